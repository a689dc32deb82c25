// Properties of the parsers and validators every inbound and outbound email goes through.
import { emailAddressSchema } from '@parley/protocol/schemas';
import fc from 'fast-check';
import addressparser from 'nodemailer/lib/addressparser';
import { describe, expect, it } from 'vitest';
import { displayName, inboundAddress, maskAddress, newReplyToken, parseInboundAddress } from './addresses';
import {
  signContinueLink,
  signInbound,
  threadBinding,
  verifyContinueLink,
  verifyInbound,
} from './signatures';

const DOMAIN = 'parley.test';
const hexToken = fc.stringMatching(/^[0-9a-f]{32}$/);
const kind = fc.constantFrom('reply' as const, 'bounce' as const);

describe('reply addresses', () => {
  it('give back the kind and token they were made from, whatever the case', () => {
    fc.assert(
      fc.property(kind, hexToken, fc.boolean(), (k, token, upper) => {
        const address = inboundAddress(k, token, DOMAIN);
        expect(parseInboundAddress(upper ? address.toUpperCase() : address, DOMAIN)).toEqual({
          kind: k,
          token,
        });
      }),
    );
  });

  it('never throw, and only ever answer a well-formed token at the inbound domain', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (address) => {
        const parsed = parseInboundAddress(address, DOMAIN);
        if (parsed === null) return;
        expect(parsed.token).toMatch(/^[0-9a-f]{32}$/);
        expect(address.toLowerCase().endsWith(`@${DOMAIN}`)).toBe(true);
      }),
    );
  });

  it('refuse other domains, other local parts and altered tokens', () => {
    fc.assert(
      fc.property(hexToken, fc.domain(), (token, domain) => {
        fc.pre(domain !== DOMAIN);
        expect(parseInboundAddress(inboundAddress('reply', token, domain), DOMAIN)).toBeNull();
      }),
    );
    const token = newReplyToken();
    for (const bad of [
      `reply+${token}x@${DOMAIN}`,
      `reply+${token.slice(1)}@${DOMAIN}`,
      `reply-${token}@${DOMAIN}`,
      `noreply+${token}@${DOMAIN}`,
      `reply+${token}@${DOMAIN}.evil.test`,
      `reply+${token}@evil.test@${DOMAIN}x`,
    ]) {
      expect(parseInboundAddress(bad, DOMAIN), bad).toBeNull();
    }
  });

  it('are random: no two tokens alike', () => {
    const tokens = new Set(Array.from({ length: 1000 }, newReplyToken));
    expect(tokens.size).toBe(1000);
  });
});

describe('visitor-supplied addresses', () => {
  it('accept real addresses, normalised to lower case', () => {
    expect(emailAddressSchema.parse('  Jane.Doe+shop@Example.COM ')).toBe('jane.doe+shop@example.com');
  });

  it('are always exactly one address that nothing in a header can split', () => {
    fc.assert(
      fc.property(fc.oneof(fc.emailAddress(), fc.string({ maxLength: 80 })), (input) => {
        const parsed = emailAddressSchema.safeParse(input);
        if (!parsed.success) return;
        expect(parsed.data).not.toMatch(/[\s<>,;:"()\\\p{Cc}]/u);
        expect(addressparser(parsed.data)).toEqual([{ address: parsed.data, name: '' }]);
      }),
    );
  });

  it('refuse anything carrying a line break, a second address or a display name', () => {
    const injected = fc
      .tuple(
        fc.emailAddress(),
        fc.constantFrom('\r\n', '\n', '\r', ',', ';', ' <x@evil.test>', '\u0000'),
        fc.string(),
      )
      .map(([address, glue, tail]) => `${address}${glue}${tail}`);
    fc.assert(
      fc.property(injected, (input) => {
        const parsed = emailAddressSchema.safeParse(input);
        if (parsed.success) expect(addressparser(parsed.data)).toHaveLength(1);
        expect(parsed.success && /[\p{Cc},;<]/u.test(parsed.data)).toBe(false);
      }),
    );
    for (const bad of [
      'jane@example.com\r\nBcc: all@example.com',
      'Jane <jane@example.com>',
      'a@b.com, c@d.com',
    ]) {
      expect(emailAddressSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('are masked to their first letter and domain', () => {
    expect(maskAddress('jane@example.com')).toBe('j***@example.com');
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        const masked = maskAddress(address);
        expect(masked.endsWith(address.slice(address.lastIndexOf('@')))).toBe(true);
        expect(masked.startsWith(address[0]!)).toBe(true);
      }),
    );
  });
});

describe('display names', () => {
  it('never keep a control character, whatever was typed', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.integer({ min: 1, max: 200 }),
        (name, max) => {
          const clean = displayName(name, max);
          expect(clean).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
          expect(clean.length).toBeLessThanOrEqual(max);
        },
      ),
    );
    expect(displayName('Jane\r\nBcc: all@example.com')).toBe('Jane Bcc: all@example.com');
  });
});

describe('signed links and posts', () => {
  const id = fc.stringMatching(/^[0-9a-f]{24}$/);

  it('verify what they signed, and nothing altered', () => {
    fc.assert(
      fc.property(
        id,
        id,
        fc.stringMatching(/^[0-9a-f]{32}$/),
        fc.nat({ max: 500 }),
        fc.string({ minLength: 1, maxLength: 1 }),
        (conversationId, visitorId, replyToken, at, char) => {
          const link = { conversationId, visitorId, thread: threadBinding(replyToken) };
          const token = signContinueLink('secret', link);
          expect(verifyContinueLink('secret', token)).toEqual(link);
          expect(verifyContinueLink('other secret', token)).toBeNull();
          const i = at % token.length;
          const altered = token.slice(0, i) + (token[i] === char ? '' : char) + token.slice(i + 1);
          if (altered !== token) expect(verifyContinueLink('secret', altered)).toBeNull();
        },
      ),
    );
  });

  it('expire', () => {
    const token = signContinueLink(
      'secret',
      { conversationId: 'a'.repeat(24), visitorId: 'b'.repeat(24), thread: threadBinding('c'.repeat(32)) },
      0,
    );
    expect(verifyContinueLink('secret', token)).toBeNull();
  });

  it('bind the inbound signature to the body and the time', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ minLength: 1, maxLength: 5 }),
        (bytes, extra) => {
          const body = Buffer.from(bytes);
          const headers = signInbound('secret', body);
          const check = (b: Buffer, secret = 'secret', now = Date.now()) =>
            verifyInbound(secret, b, headers['x-parley-timestamp'], headers['x-parley-signature'], now);
          expect(check(body)).toBe(true);
          expect(check(Buffer.concat([body, Buffer.from(extra)]))).toBe(false);
          expect(check(body, 'other')).toBe(false);
          expect(check(body, 'secret', Date.now() + 10 * 60_000)).toBe(false);
        },
      ),
    );
    expect(verifyInbound('', Buffer.alloc(0), undefined, undefined)).toBe(false);
  });
});
