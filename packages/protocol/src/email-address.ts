// The one rule for an email address a person types, shared by the widget's forms, the console's
// and the relay's schemas. Plain code, no zod, and an entry of its own
// (`@parley/protocol/email-address`, not the index): the widget's first open, which imports the
// index, then leaves it to the forms' lazy chunks.

/** Longest address that fits an SMTP path (RFC 5321: 256 with the angle brackets). */
export const MAX_EMAIL_LENGTH = 254;

// RFC 5322 dot-atom: no quotes, spaces, commas, angle brackets or comments, so an address can
// never carry a display name, a second recipient or a second header. Every part is bounded and
// no two quantifiers compete for the same characters, so each check is linear in its input.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/**
 * Whether `value` is one plain address, `local@domain.tld`: the length is checked before any
 * pattern runs. Trim first; case is left to the caller.
 * @example isEmailAddress('jane.doe+shop@example.co.uk') // true
 */
export function isEmailAddress(value: string): boolean {
  if (value.length > MAX_EMAIL_LENGTH) return false;
  const at = value.indexOf('@');
  if (at < 1 || at > 64 || at !== value.lastIndexOf('@')) return false;
  return LOCAL_PART.test(value.slice(0, at)) && DOMAIN.test(value.slice(at + 1));
}
