// The addresses of the email channel: per-conversation reply addresses, bounce addresses, those
// a parsed header names, how an address is shown masked, and display names made safe for a header.
import { randomBytes } from 'node:crypto';
import type { AddressObject } from 'mailparser';

/** What an address at the inbound domain is for. */
export type InboundKind = 'reply' | 'bounce';

/** 128 random bits as lower-case hex: mail systems may change the case of a local part. */
export function newReplyToken(): string {
  return randomBytes(16).toString('hex');
}

const TOKEN = /^[0-9a-f]{32}$/;

/**
 * `reply+<token>@<domain>` (visitors answer here) or `bounce+<token>@<domain>` (the envelope
 * sender, so delivery reports name the thread they are about).
 * @example inboundAddress('reply', token, 'parley.localhost')
 */
export function inboundAddress(kind: InboundKind, token: string, domain: string): string {
  return `${kind}+${token}@${domain}`;
}

/**
 * The kind and token of an address at the inbound domain, or null for any other address.
 * Case-insensitive, as mail systems treat addresses.
 * @example parseInboundAddress('Reply+0f...@Parley.localhost', 'parley.localhost') // { kind: 'reply', token: '0f...' }
 */
export function parseInboundAddress(
  address: string,
  domain: string,
): { kind: InboundKind; token: string } | null {
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1).toLowerCase() !== domain.toLowerCase()) return null;
  const local = address.slice(0, at).toLowerCase();
  const plus = local.indexOf('+');
  if (plus < 0) return null;
  const kind = local.slice(0, plus);
  const token = local.slice(plus + 1);
  if ((kind !== 'reply' && kind !== 'bounce') || !TOKEN.test(token)) return null;
  return { kind, token };
}

/** The addresses, lower-cased, of a parsed address header (To, Cc, Reply-To). */
export function parsedAddresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((o) => o.value.map((a) => (a.address ?? '').toLowerCase())).filter(Boolean);
}

/**
 * An address as every view shows it: the first letter of the local part, then stars.
 * @example maskAddress('jane@example.com') // 'j***@example.com'
 */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

/**
 * A name fit for a From or To display name: control and format characters (CR, LF, bidi
 * overrides...) become spaces and it is cut to `max` characters. nodemailer quotes and encodes the rest.
 */
export function displayName(name: string, max = 80): string {
  return Array.from(name, (char) => (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(char) ? ' ' : char))
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}
