// Signed links a visitor acts through without signing in: book an offer, reschedule or cancel a
// meeting. A token is `<expiry>.<HMAC-SHA256>` over the meeting, the action and the expiry, keyed
// by a random secret kept on the meeting, so links survive restarts and work on every node.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type LinkAction = 'book' | 'reschedule' | 'cancel';

/** A fresh signing key for a new meeting. */
export function newLinkKey(): string {
  return randomBytes(32).toString('base64url');
}

function signature(key: string, meetingId: string, action: LinkAction, expiresAt: number): Buffer {
  return createHmac('sha256', key).update(`${meetingId}:${action}:${expiresAt}`).digest();
}

/**
 * A token that lets its holder take `action` on the meeting until `expiresAt`.
 * @example signLink(meeting.linkKey, meeting.id, 'cancel', meeting.start)
 */
export function signLink(key: string, meetingId: string, action: LinkAction, expiresAt: Date): string {
  const seconds = Math.floor(expiresAt.getTime() / 1000);
  return `${seconds.toString(36)}.${signature(key, meetingId, action, seconds).toString('base64url')}`;
}

export type LinkCheck = { ok: true } | { ok: false; reason: 'forged' | 'expired' };

/** Checks a token in constant time; an expired token is refused even when its signature holds. */
export function verifyLink(
  key: string,
  meetingId: string,
  action: LinkAction,
  token: string,
  now: Date,
): LinkCheck {
  const [expiry, given] = token.split('.');
  if (!expiry || !given || !/^[0-9a-z]{1,12}$/.test(expiry)) return { ok: false, reason: 'forged' };
  const seconds = Number.parseInt(expiry, 36);
  // Compared as text: base64 decoding ignores the spare bits of the last character, which would
  // let several spellings of one signature through.
  const expected = Buffer.from(signature(key, meetingId, action, seconds).toString('base64url'));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    return { ok: false, reason: 'forged' };
  if (seconds * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true };
}
