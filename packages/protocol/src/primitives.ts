// The schema pieces every payload file shares. A leaf module: schemas.ts re-exports the payload
// files, so they import these from here rather than from it (the cycle would leave them undefined).
import { z } from 'zod';
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
