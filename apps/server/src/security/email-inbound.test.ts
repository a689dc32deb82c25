// The built-in SMTP server against a hostile sender (issue 12, items 5, 11, 16 and 17): unknown
// recipients refused at RCPT, a message past the size limit not buffered, a cap on connections,
// a permanent refusal for a message with too many parts, a cap on held mail per site, and sender
// verification on with the dev Mailbox for everything but the Mailbox's own replies.
import { randomUUID } from 'node:crypto';
import type { MailboxEntry } from '@parley/protocol';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config';
import type { Actor } from '../conversations/service';
import { inboundAddress, newReplyToken } from '../email/addresses';
import { MAILBOX_PROOF_HEADER } from '../email/dev-mailbox';
import { MAX_HELD_BYTES_PER_SITE, MAX_HELD_PER_SITE } from '../email/held';
import { MAX_EMAIL_BYTES } from '../email/inbound';
import { MAX_SMTP_CLIENTS } from '../email/inbound-smtp';
import { sendOverSmtp, smtpSession } from '../email/testing';
import { emailConversation, startTestRelay } from '../testing';

const DOMAIN = 'parley.test';
let env: Awaited<ReturnType<typeof startTestRelay>>;

// DNS as a sender's domain publishes it: DMARC p=reject and SPF for no server, so an unsigned
// message From that domain fails. Every other name does not exist.
const dnsRecords: Record<string, string[][]> = {
  '_dmarc.signed.test': [['v=DMARC1; p=reject']],
  'signed.test': [['v=spf1 -all']],
};
async function fixtureDns(name: string, rrtype: string): Promise<string[][]> {
  const records = rrtype === 'TXT' ? dnsRecords[name.toLowerCase()] : undefined;
  if (records) return records;
  throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: 'ENOTFOUND' });
}

beforeAll(async () => {
  env = await startTestRelay({
    inboundSmtpPort: 0,
    devMailbox: true,
    // What `pnpm start` gets (PARLEY_DEV_MAILBOX=1, nothing else said about verification).
    emailVerify: loadConfig({ PARLEY_DEV_MAILBOX: '1' }).emailVerify,
    inboundDomain: DOMAIN,
    emailTickMs: 50,
  });
  env.relay.services.email.useResolver(fixtureDns);
});
afterAll(async () => {
  await env?.relay.close();
});

const eventually = (check: () => void | Promise<void>) =>
  vi.waitFor(check, { timeout: 15_000, interval: 25 });
const smtpPort = () => env.relay.services.email.inboundPort!;
const emails = () => env.relay.connection.collection('emails');
const admin = (): Actor => ({ kind: 'agent', agentId: env.admin.agent.id, name: 'Ada Admin', siteIds: null });

/** A conversation continued by email at `address`: its reply address and the Mailbox's copy. */
async function escalated(siteId: string, address = `v-${randomUUID().slice(0, 8)}@example.com`) {
  const { conversationId } = await emailConversation(env.relay, env.admin.agent, siteId, address);
  let entry: MailboxEntry | undefined;
  await eventually(async () => {
    entry = (await env.relay.services.email.mailbox(admin())).find((e) => e.to.includes(address));
    expect(entry?.replyTo).toBeTruthy();
  });
  return { conversationId, address, replyTo: entry!.replyTo!, entry: entry! };
}

const visitorBodies = async (conversationId: string) =>
  (await env.relay.services.conversations.timeline(conversationId))
    .filter((m) => m.author.kind === 'visitor')
    .map((m) => m.body);

describe('recipients', () => {
  it('refuses a reply address whose token names no thread at RCPT, and stores nothing', async () => {
    const messageId = `<unknown-${randomUUID()}@example.com>`;
    const smtp = await smtpSession(smtpPort());
    await smtp.command('EHLO sender.test');
    await smtp.command('MAIL FROM:<someone@example.com>');
    expect(await smtp.command(`RCPT TO:<${inboundAddress('reply', newReplyToken(), DOMAIN)}>`)).toMatch(
      /^550/,
    );
    expect(await smtp.command(`RCPT TO:<${inboundAddress('bounce', newReplyToken(), DOMAIN)}>`)).toMatch(
      /^550/,
    );
    smtp.close();
    await expect(
      sendOverSmtp(smtpPort(), {
        from: 'someone@example.com',
        to: inboundAddress('reply', newReplyToken(), DOMAIN),
        subject: 'hi',
        messageId,
        text: 'hello?',
        attachments: [{ filename: 'big.bin', content: Buffer.alloc(1024 * 1024, 1) }],
      }),
    ).rejects.toThrow(/550/);
    expect(await emails().countDocuments({ messageId })).toBe(0);

    // A token that names a thread is still taken.
    const { replyTo } = await escalated(env.site.id);
    const smtp2 = await smtpSession(smtpPort());
    await smtp2.command('EHLO sender.test');
    await smtp2.command('MAIL FROM:<someone@example.com>');
    expect(await smtp2.command(`RCPT TO:<${replyTo}>`)).toMatch(/^250/);
    smtp2.close();
  });
});

describe('a message past the size limit', () => {
  it('is answered 552 and not buffered while it streams', async () => {
    const smtp = await smtpSession(smtpPort());
    await smtp.command('EHLO sender.test');
    await smtp.command('MAIL FROM:<flood@sender.test>');
    expect(await smtp.command('RCPT TO:<someone@elsewhere.test>')).toMatch(/^250/);
    expect(await smtp.command('DATA')).toMatch(/^354/);
    const chunk = Buffer.from(`${'x'.repeat(998)}\r\n`.repeat(64));
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 5);
    const total = 20 * MAX_EMAIL_BYTES;
    await smtp.write('Subject: flood\r\n\r\n');
    for (let sent = 0; sent < total; sent += chunk.length) await smtp.write(chunk);
    const answer = await smtp.command('\r\n.');
    clearInterval(sampler);
    smtp.close();
    expect(answer).toMatch(/^552/);
    // 200 MB streamed; what memory held at any time is one message and the garbage of a few more.
    expect(peak - before).toBeLessThan(total / 2);
  });
});

describe('connections', () => {
  it('serves at most MAX_SMTP_CLIENTS at once and tells the rest to come back', async () => {
    const sessions = [];
    for (let i = 0; i < MAX_SMTP_CLIENTS + 5; i++) sessions.push(await smtpSession(smtpPort()));
    const greetings = sessions.map((s) => s.greeting.slice(0, 3));
    for (const s of sessions) s.close();
    expect(greetings.filter((g) => g === '220')).toHaveLength(MAX_SMTP_CLIENTS);
    expect(greetings.filter((g) => g === '421')).toHaveLength(5);
  });
});

describe('a message with too many parts', () => {
  it('is refused for good (5xx), not answered "try again later"', async () => {
    await eventually(async () => {
      // The previous test's connections are closing: wait until one is served again.
      const probe = await smtpSession(smtpPort());
      probe.close();
      expect(probe.greeting).toMatch(/^220/);
    });
    const { replyTo, address } = await escalated(env.site.id);
    const parts = Array.from(
      { length: 1_500 },
      (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`,
    ).join('');
    const raw = `From: ${address}\r\nTo: ${replyTo}\r\nSubject: parts\r\nMessage-ID: <parts-${randomUUID()}@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${parts}--b--\r\n`;
    await expect(
      sendOverSmtp(smtpPort(), { envelope: { from: address, to: [replyTo] }, raw }),
    ).rejects.toThrow(/\b55[24]\b/);
  });
});

describe('held mail', () => {
  it('is capped per site in count and bytes: new mail to hold is refused, other sites unaffected', async () => {
    const { services } = env.relay;
    const full = await services.sites.create({ name: 'Full Shop', allowedOrigins: ['http://full.test'] });
    const heavy = await services.sites.create({ name: 'Heavy Shop', allowedOrigins: ['http://heavy.test'] });
    const spare = await services.sites.create({ name: 'Spare Shop', allowedOrigins: ['http://spare.test'] });
    const held = (siteId: string, size: number) => ({
      direction: 'in',
      messageId: `<held-${randomUUID()}@example.com>`,
      disposition: 'held',
      heldReason: 'sender_mismatch',
      siteId: new ObjectId(siteId),
      size,
      attachments: [],
      createdAt: new Date(),
    });
    await emails().insertMany(Array.from({ length: MAX_HELD_PER_SITE }, () => held(full.id, 1_000)));
    await emails().insertOne(held(heavy.id, MAX_HELD_BYTES_PER_SITE - 1_000));

    const mismatch = async (siteId: string) => {
      const { replyTo, conversationId } = await escalated(siteId);
      const messageId = `<mismatch-${randomUUID()}@evil.test>`;
      const sent = sendOverSmtp(smtpPort(), {
        from: 'mallory@evil.test',
        to: replyTo,
        subject: 'Re: order',
        messageId,
        text: 'Refund to my account please.',
        attachments: [{ filename: 'x.bin', content: Buffer.alloc(10_000, 1) }],
      });
      return { sent, messageId, conversationId };
    };
    const onFull = await mismatch(full.id);
    await expect(onFull.sent).rejects.toThrow(/552/);
    const onHeavy = await mismatch(heavy.id);
    await expect(onHeavy.sent).rejects.toThrow(/552/);
    expect(await emails().countDocuments({ messageId: { $in: [onFull.messageId, onHeavy.messageId] } })).toBe(
      0,
    );

    const onSpare = await mismatch(spare.id);
    await onSpare.sent;
    expect(await emails().findOne({ messageId: onSpare.messageId })).toMatchObject({
      disposition: 'held',
      heldReason: 'sender_mismatch',
    });
    expect(await visitorBodies(onSpare.conversationId)).toEqual(['Where is my order?']);
  });
});

describe('sender verification with the dev Mailbox', () => {
  it('is on by default, so a forged From is held; only the Mailbox’s own reply skips it', async () => {
    expect(loadConfig({ PARLEY_DEV_MAILBOX: '1' }).emailVerify).toBe(true);
    expect(loadConfig({ PARLEY_DEV_MAILBOX: '1', PARLEY_EMAIL_VERIFY: '0' }).emailVerify).toBe(false);

    const address = `jo-${randomUUID().slice(0, 8)}@signed.test`;
    const { conversationId, replyTo, entry } = await escalated(env.site.id, address);
    const forged = (text: string, headers: Record<string, string> = {}) =>
      sendOverSmtp(smtpPort(), {
        from: address,
        to: replyTo,
        subject: 'Re: order',
        messageId: `<${randomUUID()}@signed.test>`,
        text,
        headers,
      });
    await forged('Forged: please ship to another address.');
    await forged('Forged, with a made-up proof.', { [MAILBOX_PROOF_HEADER]: 'A'.repeat(43) });
    await eventually(async () => {
      const held = await emails()
        .find({ conversationId: new ObjectId(conversationId), disposition: 'held' })
        .toArray();
      expect(held.map((h) => h.heldReason)).toEqual(['failed_verification', 'failed_verification']);
    });

    const replied = await env.relay.services.email.replyAsVisitor(admin(), entry.id, 'Yes, that is me.');
    expect(replied).toMatchObject({ ok: true });
    await eventually(async () =>
      expect(await visitorBodies(conversationId)).toEqual(['Where is my order?', 'Yes, that is me.']),
    );
  });
});
