import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEmailAddress, MAX_EMAIL_LENGTH } from './email-address';
import {
  emailAddressSchema,
  emailMeInsteadSchema,
  inviteSchema,
  loginSchema,
  visitorEmailSchema,
  visitorProfileSchema,
} from './schemas';

/**
 * Every place an address is typed, as its schema reads it: the widget's forms (pre-chat, "email
 * me", the away notice), the console's sign-in and invite, the email channel.
 */
const readers: Record<string, (address: string) => boolean> = {
  rule: (address) => isEmailAddress(address.trim()),
  'widget pre-chat': (address) => visitorProfileSchema.safeParse({ email: address }).success,
  'widget away notice': (address) => visitorEmailSchema.safeParse({ email: address }).success,
  'widget email me': (address) =>
    emailMeInsteadSchema.safeParse({ conversationId: 'a'.repeat(24), email: address }).success,
  'console sign-in': (address) => loginSchema.safeParse({ email: address, password: 'x' }).success,
  'console invite': (address) => inviteSchema.safeParse({ email: address, name: 'Ana' }).success,
  'email channel': (address) => emailAddressSchema.safeParse(address).success,
};

describe('one email-address rule', () => {
  // Each of these was accepted by one of the old rules and refused by another: the widget's
  // something@something.tld, the console's something@something, zod's z.email() in the email
  // channel and the meeting page, each with its own length limit (none, 320, 254).
  const verdicts: [address: string, accepted: boolean, before: string][] = [
    ['ana@localhost', false, 'console took it, the widget did not'],
    ['jané@exämple.com', false, 'widget and console took it, the email channel did not'],
    ['a..b@example.com', false, 'widget and console took it'],
    ['.ana@example.com', false, 'widget and console took it'],
    ['ana.@example.com', false, 'widget and console took it'],
    ['ana@-shop.example', false, 'widget and console took it'],
    ['ana@shop_1.example', false, 'widget and console took it'],
    ['ana@example.c', false, 'widget and console took it, z.email() wants two letters'],
    ['ana@example.com.', false, 'widget and console took it'],
    ['ana@[127.0.0.1]', false, 'widget and console took it'],
    ['"ana"@example.com', false, 'widget and console took it, the email channel did not'],
    ['ana(comment)@example.com', false, 'widget and console took it'],
    [`${'a'.repeat(65)}@example.com`, false, 'everyone but the local-part limit took it'],
    [
      `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com`,
      false,
      '255 characters: widget and console took it, the email channel did not',
    ],
    ['ana!shop@example.com', true, 'widget and console took it, z.email() did not'],
    ['ana/sales=eu@example.com', true, 'widget and console took it, z.email() did not'],
    ["o'brien@example.ie", true, 'all took it'],
    ['Jane.Doe+shop@Example.COM', true, 'all took it'],
    ['  ana@example.com ', true, 'all took it (trimmed)'],
    [`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`, true, '254 characters'],
  ];

  it.each(verdicts)('%s: every form and the relay agree (accepted: %s; before: %s)', (address, accepted) => {
    for (const [reader, accepts] of Object.entries(readers)) expect(accepts(address), reader).toBe(accepted);
  });

  it('never lets through what could split a header or name a second recipient', () => {
    fc.assert(
      fc.property(fc.oneof(fc.emailAddress(), fc.string({ maxLength: 80 })), (input) => {
        if (!isEmailAddress(input)) return;
        expect(input).not.toMatch(/[\s<>,;:"()[\]\\\p{Cc}]/u);
        expect(input.split('@')).toHaveLength(2);
      }),
    );
  });

  it('checks the length before any pattern runs, and stays fast on hostile input', () => {
    expect(MAX_EMAIL_LENGTH).toBe(254);
    const hostile = [
      `${'a'.repeat(64)}@${'a-'.repeat(94)}!`,
      `${'a.'.repeat(31)}a@${'a'.repeat(180)}`,
      `a@${'a.'.repeat(125)}`,
      `${'a'.repeat(5_000_000)}@example.com`,
    ];
    const started = Date.now();
    for (const input of hostile) expect(isEmailAddress(input)).toBe(false);
    expect(Date.now() - started).toBeLessThan(50);
  });
});
