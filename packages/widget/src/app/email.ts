// The widget's check of an email address: the same loose rule the relay applies (EMAIL_PATTERN in
// the protocol, copied so the widget does not bundle the schemas), on input as long as its field.
export const isEmail = (value: string) =>
  value.length <= 320 && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(value.trim());
