import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  rateSchema,
  siteSettingsSchema,
  visitorAttributesSchema,
  visitorContextSchema,
  visitorProfileSchema,
} from './schemas';

describe('site settings', () => {
  it('fills every default from an empty stored value', () => {
    expect(siteSettingsSchema.parse({})).toEqual({
      theme: {
        color: '#4f46e5',
        position: 'right',
        offset: { bottom: 20, side: 20 },
        launcherText: 'Chat with us',
        logoUrl: null,
      },
      language: 'auto',
      preChat: { enabled: false, fields: [], consentText: null, privacyUrl: null },
      businessHours: { enabled: false, timeZone: 'UTC', intervals: [] },
      offline: { behaviour: 'chat', expectedReplyMinutes: 60 },
      proactive: [],
    });
  });

  it('names what is wrong', () => {
    const cases: [unknown, string][] = [
      [{ theme: { color: 'red' } }, 'theme.color'],
      [{ theme: { logoUrl: 'javascript:alert(1)' } }, 'theme.logoUrl'],
      [{ businessHours: { timeZone: 'Nowhere/Else' } }, 'businessHours.timeZone'],
      [
        { businessHours: { intervals: [{ day: 1, from: '17:00', to: '09:00' }] } },
        'businessHours.intervals.0',
      ],
      [{ offline: { behaviour: 'vanish' } }, 'offline.behaviour'],
      [{ theme: { offset: { bottom: -1 } } }, 'theme.offset.bottom'],
      [{ theme: { offset: { side: 501 } } }, 'theme.offset.side'],
      [{ theme: { offset: { bottom: 12.5 } } }, 'theme.offset.bottom'],
      [
        {
          preChat: {
            fields: [
              { key: 'a', label: 'A', type: 'text', required: true },
              { key: 'a', label: 'B', type: 'text', required: false },
            ],
          },
        },
        'preChat',
      ],
      [{ surprise: true }, 'surprise'],
    ];
    for (const [value, path] of cases) {
      const parsed = siteSettingsSchema.safeParse(value);
      expect(parsed.success).toBe(false);
      expect(JSON.stringify(parsed.error?.issues.map((i) => i.path.join('.') || i.message))).toContain(path);
    }
  });

  it('never throws on any stored value, and what it accepts it accepts again', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = siteSettingsSchema.safeParse(value);
        if (parsed.success) expect(siteSettingsSchema.parse(parsed.data)).toEqual(parsed.data);
      }),
    );
  });
});

describe('what the widget sends', () => {
  it('accepts only http(s) page addresses', () => {
    fc.assert(
      fc.property(fc.webUrl({ validSchemes: ['http', 'https'] }), (url) => {
        expect(visitorContextSchema.safeParse({ url }).success).toBe(true);
      }),
    );
    for (const url of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'http://', '']) {
      expect(visitorContextSchema.safeParse({ url }).success).toBe(false);
    }
  });

  it('keeps attribute names out of MongoDB operators and paths', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        const parsed = visitorAttributesSchema.safeParse({ attributes: { [name]: 1 } });
        if (parsed.success) expect(name).toMatch(/^[A-Za-z][A-Za-z0-9_-]*$/);
      }),
    );
    expect(visitorAttributesSchema.safeParse({ attributes: { $where: 1 } }).success).toBe(false);
    expect(visitorAttributesSchema.safeParse({ attributes: { 'a.b': 1 } }).success).toBe(false);
    expect(visitorAttributesSchema.safeParse({ attributes: JSON.parse('{"__proto__": 1}') }).success).toBe(
      false,
    );
  });

  it('checks profiles and ratings', () => {
    expect(visitorProfileSchema.safeParse({ email: 'ana@example.test', consent: true }).success).toBe(true);
    expect(visitorProfileSchema.safeParse({ email: 'ana' }).success).toBe(false);
    expect(visitorProfileSchema.safeParse({ name: 'a\u0000b' }).success).toBe(false);
    expect(rateSchema.safeParse({ conversationId: 'a'.repeat(24), score: 3 }).success).toBe(true);
    for (const score of [0, 6, 2.5, '5']) {
      expect(rateSchema.safeParse({ conversationId: 'a'.repeat(24), score }).success).toBe(false);
    }
  });
});
