// The widget's check of an email address: the same loose rule the relay applies.
export const isEmail = (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
