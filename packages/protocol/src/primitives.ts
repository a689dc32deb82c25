// The schema pieces every payload file shares. A leaf module: schemas.ts re-exports the payload
// files, so they import these from here rather than from it (the cycle would leave them undefined).
import { z } from 'zod';
import { isEmailAddress } from './email-address';
import { MAX_MESSAGE_LENGTH } from './limits';

/**
 * A string of at most `max` characters. The check aborts: zod otherwise runs every later check
 * (patterns, refinements) on a string already refused as too long. Every pattern starts here.
 */
export const bounded = (max: number, message = `at most ${max} characters`) =>
  z.string().max(max, { abort: true, message });

/** A string of at most `max` characters matching `pattern`, which only ever sees bounded input. */
export const patterned = (max: number, pattern: RegExp, message: string) =>
  bounded(max, message).regex(pattern, message);

/** A 24-hex-digit ObjectId as a string. */
export const idSchema = patterned(24, /^[0-9a-f]{24}$/, 'must be a 24-character hex id');

/** Client-generated ids: UUIDs or similar, short and printable. */
export const clientIdSchema = bounded(64, 'must be 8-64 letters, digits, "-" or "_"')
  .min(8)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be 8-64 letters, digits, "-" or "_"');

// `URL` is in every runtime this package runs in (browsers, Node), but its types come with the
// DOM or Node typings, which this package does not load.
declare const URL: new (input: string) => { protocol: string; host: string };

/**
 * An absolute http(s) URL with a host and no whitespace. Parsed with `URL` (linear) rather than
 * matched by a pattern; a URL that is not parsable is refused.
 */
export function isHttpUrl(s: string): boolean {
  if (!/^https?:\/\/[^/?#]/i.test(s) || /\s/.test(s)) return false;
  try {
    const url = new URL(s);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '';
  } catch {
    return false;
  }
}

/** An http(s) URL of at most `max` characters; the length is checked before the URL is parsed. */
export const httpUrlSchema = (max: number) => bounded(max).refine(isHttpUrl, 'must be an http(s) URL');

export const seqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Message text: trimmed, not empty, at most MAX_MESSAGE_LENGTH characters, no NUL. */
export const messageBodySchema = bounded(
  MAX_MESSAGE_LENGTH,
  `messages are limited to ${MAX_MESSAGE_LENGTH} characters`,
)
  .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters')
  .transform((s) => s.trim())
  .refine((s) => s.length > 0, 'must not be empty');

/**
 * An email address a person typed, trimmed, as isEmailAddress has it. The raw input is bounded
 * (aborting) before it is trimmed, so padding never lets a long string reach the rule, which
 * checks its own length again before any pattern.
 * @example emailSchema.parse(' Jane@Example.com ') // 'Jane@Example.com'
 */
export const emailSchema = bounded(320, 'must be a single email address')
  .transform((s) => s.trim())
  .refine(isEmailAddress, 'must be a single email address');

/**
 * The same, in lower case: for the addresses Parley looks up or mails (an agent's sign-in, the
 * email channel). One address, no display name, comments, whitespace or control characters, so
 * it can never carry a second header or a second recipient.
 * @example emailAddressSchema.parse(' Jane@Example.com ') // 'jane@example.com'
 */
export const emailAddressSchema = emailSchema.transform((s) => s.toLowerCase());

/** True for a time zone name this runtime knows, e.g. "Europe/Bucharest" or "UTC". */
export function isTimeZone(name: string): boolean {
  if (name.length > 64 || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name this runtime knows. */
export const timeZoneSchema = bounded(64).refine(
  isTimeZone,
  'must be an IANA time zone, e.g. "Europe/Warsaw"',
);
