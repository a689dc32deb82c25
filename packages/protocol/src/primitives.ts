// The schema pieces every payload file shares. A leaf module: schemas.ts re-exports the payload
// files, so they import these from here rather than from it (the cycle would leave them undefined).
import { z } from 'zod';
import { isEmailAddress } from './email-address';
import { MAX_MESSAGE_LENGTH } from './limits';

/** A 24-hex-digit ObjectId as a string. */
export const idSchema = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id');

/** Client-generated ids: UUIDs or similar, short and printable. */
export const clientIdSchema = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be 8-64 letters, digits, "-" or "_"');

export const seqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Message text: trimmed, not empty, at most MAX_MESSAGE_LENGTH characters, no NUL. */
export const messageBodySchema = z
  .string()
  .max(MAX_MESSAGE_LENGTH, `messages are limited to ${MAX_MESSAGE_LENGTH} characters`)
  .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters')
  .transform((s) => s.trim())
  .refine((s) => s.length > 0, 'must not be empty');

/**
 * An email address a person typed, trimmed, as isEmailAddress has it. The raw input is bounded
 * before it is trimmed, so padding never lets a long string reach the rule.
 * @example emailSchema.parse(' Jane@Example.com ') // 'Jane@Example.com'
 */
export const emailSchema = z
  .string()
  .max(320)
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
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name this runtime knows. */
export const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isTimeZone, 'must be an IANA time zone, e.g. "Europe/Warsaw"');
