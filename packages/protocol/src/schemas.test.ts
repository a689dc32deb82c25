import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH } from './limits';
import {
  clientIdSchema,
  idSchema,
  messageBodySchema,
  sendMessageSchema,
  syncSchema,
  visitorAuthSchema,
} from './schemas';

const hexId = fc.stringMatching(/^[0-9a-f]{24}$/);
const clientId = fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/);

describe('sendMessageSchema', () => {
  it('accepts every well-formed send and trims the body', () => {
    fc.assert(
      fc.property(
        hexId,
        clientId,
        fc.string({ minLength: 1, maxLength: 200 }),
        (conversationId, clientMsgId, text) => {
          fc.pre(text.trim().length > 0 && !text.includes('\u0000'));
          const parsed = sendMessageSchema.parse({ conversationId, clientMsgId, body: `  ${text} ` });
          expect(parsed.body).toBe(text.trim());
        },
      ),
    );
  });

  it('refuses anything else without throwing', () => {
    fc.assert(
      fc.property(fc.anything(), (payload) => {
        const result = sendMessageSchema.safeParse(payload);
        if (result.success) {
          expect(idSchema.safeParse(result.data.conversationId).success).toBe(true);
        }
      }),
    );
  });

  it('refuses operator objects, extra keys, empty, oversized and NUL bodies', () => {
    const base = { conversationId: 'a'.repeat(24), clientMsgId: 'abcdefgh', body: 'hi' };
    for (const bad of [
      { ...base, conversationId: { $gt: '' } },
      { ...base, clientMsgId: { $ne: null } },
      { ...base, admin: true },
      { ...base, body: '   ' },
      { ...base, body: 'x'.repeat(MAX_MESSAGE_LENGTH + 1) },
      { ...base, body: 'a\u0000b' },
    ]) {
      expect(sendMessageSchema.safeParse(bad).success).toBe(false);
    }
    expect(messageBodySchema.safeParse('y'.repeat(MAX_MESSAGE_LENGTH)).success).toBe(true);
  });
});

describe('ids and auth', () => {
  it('accepts only hex ObjectIds and printable client ids', () => {
    fc.assert(
      fc.property(hexId, (id) => {
        expect(idSchema.safeParse(id).success).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(idSchema.safeParse(s).success).toBe(/^[0-9a-f]{24}$/.test(s));
        expect(clientIdSchema.safeParse(s).success).toBe(/^[A-Za-z0-9_-]{8,64}$/.test(s));
      }),
    );
  });

  it('bounds a sync request and refuses unknown handshake fields', () => {
    const many = Array.from({ length: 201 }, () => ({ conversationId: 'b'.repeat(24), afterSeq: 0 }));
    expect(syncSchema.safeParse({ conversations: many }).success).toBe(false);
    expect(
      syncSchema.safeParse({ conversations: [{ conversationId: 'b'.repeat(24), afterSeq: -1 }] }).success,
    ).toBe(false);
    expect(visitorAuthSchema.safeParse({ siteKey: 'site-key-1', role: 'admin' }).success).toBe(false);
    expect(
      visitorAuthSchema.safeParse({ siteKey: 'site-key-1', identity: { userId: 'u', hash: 'zz' } }).success,
    ).toBe(false);
  });
});
