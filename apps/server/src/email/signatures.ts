// Signed "continue in the browser" links, and the signature a relay or provider puts on raw
// MIME it posts to the inbound HTTP door. Both are HMAC-SHA256 compared in constant time.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const LINK_TTL_MS = 30 * 24 * 60 * 60_000;
/** How old a signed inbound post may be: long enough for clock skew, short enough to stop replays. */
const INBOUND_WINDOW_MS = 5 * 60_000;

const mac = (secret: string, data: string | Buffer) => createHmac('sha256', secret).update(data).digest();

function sameMac(expected: Buffer, given: string, encoding: 'hex' | 'base64url'): boolean {
  const bytes = Buffer.from(given, encoding);
  // Decoders skip stray characters and spare bits: only the one canonical spelling is accepted.
  if (bytes.toString(encoding) !== given) return false;
  return bytes.length === expected.length && timingSafeEqual(bytes, expected);
}

export interface ContinueLink {
  conversationId: string;
  visitorId: string;
  /**
   * The email thread the link was sent on (threadBinding of its reply token): when the thread
   * moves to another address it gets a new token, and links sent to the old address stop working.
   */
  thread: string;
}

/** What a link records of its thread: 64 bits of a hash of the reply token, never the token. */
export const threadBinding = (replyToken: string) =>
  createHash('sha256').update(`continue:${replyToken}`).digest('hex').slice(0, 16);

/**
 * The token of a link that reopens a conversation in the widget, valid for 30 days.
 * @example `${publicUrl}/continue/${signContinueLink(secret, { conversationId, visitorId })}`
 */
export function signContinueLink(secret: string, link: ContinueLink, now = Date.now()): string {
  const payload = Buffer.from(
    JSON.stringify({ c: link.conversationId, v: link.visitorId, t: link.thread, e: now + LINK_TTL_MS }),
  ).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The conversation a link token names, or null if it is forged, altered, malformed or expired. */
export function verifyContinueLink(secret: string, token: string, now = Date.now()): ContinueLink | null {
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return null;
  if (!sameMac(mac(secret, payload), signature, 'base64url')) return null;
  try {
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
      c?: unknown;
      v?: unknown;
      t?: unknown;
      e?: unknown;
    };
    const id = /^[0-9a-f]{24}$/;
    const { c, v, t, e } = data;
    if (typeof c !== 'string' || typeof v !== 'string' || typeof t !== 'string' || typeof e !== 'number')
      return null;
    if (!id.test(c) || !id.test(v) || !/^[0-9a-f]{16}$/.test(t) || e < now) return null;
    return { conversationId: c, visitorId: v, thread: t };
  } catch {
    return null;
  }
}

/**
 * The signature headers for posting raw MIME to `/api/email/inbound`: HMAC of `<timestamp>.<body>`.
 * @example fetch(url, { method: 'POST', body: raw, headers: { 'content-type': 'message/rfc822', ...signInbound(secret, raw) } })
 */
export function signInbound(secret: string, body: Buffer, now = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000));
  const signature = mac(secret, Buffer.concat([Buffer.from(`${timestamp}.`), body])).toString('hex');
  return { 'x-parley-timestamp': timestamp, 'x-parley-signature': `sha256=${signature}` };
}

/** Whether a post to the inbound door was signed with the shared secret, recently. */
export function verifyInbound(
  secret: string,
  body: Buffer,
  timestamp: string | undefined,
  signature: string | undefined,
  now = Date.now(),
): boolean {
  if (!secret || !timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now - Number(timestamp) * 1000) > INBOUND_WINDOW_MS) return false;
  const hex = /^sha256=([0-9a-f]{64})$/.exec(signature)?.[1];
  if (!hex) return false;
  return sameMac(mac(secret, Buffer.concat([Buffer.from(`${timestamp}.`), body])), hex, 'hex');
}
