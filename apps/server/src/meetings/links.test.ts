import { describe, expect, it } from 'vitest';
import { newLinkKey, signLink, verifyLink } from './links';

const id = '65f1c0ffee0000000000abcd';
const now = new Date('2026-06-01T10:00:00Z');
const later = new Date('2026-06-02T10:00:00Z');

describe('signed meeting links', () => {
  const key = newLinkKey();
  const token = signLink(key, id, 'reschedule', later);

  it('accepts its own token until it expires', () => {
    expect(verifyLink(key, id, 'reschedule', token, now)).toEqual({ ok: true });
    expect(verifyLink(key, id, 'reschedule', token, new Date('2026-06-02T09:59:59Z'))).toEqual({ ok: true });
    expect(verifyLink(key, id, 'reschedule', token, later)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token for another meeting, another action or signed with another key', () => {
    expect(verifyLink(key, '65f1c0ffee0000000000abce', 'reschedule', token, now)).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(verifyLink(key, id, 'cancel', token, now)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyLink(newLinkKey(), id, 'reschedule', token, now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a token whose expiry or signature was changed', () => {
    const [expiry, signature] = token.split('.') as [string, string];
    const stretched = `${(Number.parseInt(expiry, 36) + 86_400).toString(36)}.${signature}`;
    expect(verifyLink(key, id, 'reschedule', stretched, now)).toEqual({ ok: false, reason: 'forged' });
    const flipped = `${expiry}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    expect(verifyLink(key, id, 'reschedule', flipped, now)).toEqual({ ok: false, reason: 'forged' });
    // The last character carries two spare bits: another spelling of the same bytes is refused too.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const spare = alphabet[alphabet.indexOf(signature.at(-1)!) ^ 1]!;
    const sameBytes = `${expiry}.${signature.slice(0, -1)}${spare}`;
    expect(Buffer.from(sameBytes.split('.')[1]!, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(verifyLink(key, id, 'reschedule', sameBytes, now)).toEqual({ ok: false, reason: 'forged' });
    for (const junk of [
      '',
      '.',
      'zz',
      `${expiry}.`,
      `.${signature}`,
      `${expiry}.${signature}x`,
      `-1.${signature}`,
    ]) {
      expect(verifyLink(key, id, 'reschedule', junk, now)).toEqual({ ok: false, reason: 'forged' });
    }
  });
});
