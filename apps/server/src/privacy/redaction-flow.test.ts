// Redaction end to end, on the real store over real sockets and real SMTP: a card number (and,
// where the site asks, an IBAN or a national id) a visitor or an agent types, or a visitor emails,
// is masked before anything is stored, announced or mailed. Every check reads the collections
// themselves, whole, for the digits.
import { newClientId } from '@parley/client';
import type { MailboxEntry, Message } from '@parley/protocol';
import { Binary } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '../conversations/service';
import { sendOverSmtp } from '../email/testing';
import { emailConversation, startTestRelay } from '../testing';
import { agentClient, ready, visitorClient } from '../testing/clients';

const DOMAIN = 'parley.test';
let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: { close(): void }[] = [];

beforeAll(async () => {
  env = await startTestRelay({
    inboundSmtpPort: 0,
    devMailbox: true,
    emailVerify: false,
    inboundDomain: DOMAIN,
    emailTickMs: 50,
    emailFallbackMs: 60_000,
  });
});
afterAll(async () => {
  for (const c of open) c.close();
  await env?.relay.close();
});

const eventually = (check: () => void | Promise<void>) =>
  vi.waitFor(check, { timeout: 15_000, interval: 25 });
const admin = (): Actor => ({ kind: 'agent', agentId: env.admin.agent.id, name: 'Ada Admin', siteIds: null });

/** A stored document as text, its binary fields (raw MIME, attachment content) read as bytes. */
const textOf = (doc: Record<string, unknown>) =>
  JSON.stringify(doc) +
  Object.values(doc)
    .filter((v): v is Binary => v instanceof Binary)
    .map((v) => Buffer.from(v.buffer).toString('latin1'))
    .join('\n');

/** Every document of a collection, as one string: a number anywhere in it shows up. */
async function everything(collection: string): Promise<string> {
  const docs = await env.relay.connection.collection(collection).find({}).toArray();
  return docs.map(textOf).join('\n');
}

/** The digits of a number, and the ways it is written, none of which may be stored. */
const forms = (number: string) => {
  const digits = number.replace(/[\s-]/g, '');
  return [number, digits];
};

async function setRedaction(siteId: string, redaction: { iban: boolean; nationalIds: boolean }) {
  const response = await fetch(`${env.relay.url}/api/sites/${siteId}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${env.admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ redaction }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { site: { redaction: unknown } };
  expect(body.site.redaction).toEqual(redaction);
}

describe('redaction', () => {
  it('masks a card a visitor types before the store, the agent and the email see it', async () => {
    const CARD = '4242 4242 4242 4242';
    const AGENT_CARD = '5555-5555-5555-4444';
    const visitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
    const agent = await ready(agentClient(env.relay.url, env.agent.token));
    open.push(visitor, agent);
    const started = await visitor.start(newClientId());
    if (!started.ok) throw new Error(started.message);
    const conversationId = started.conversation.id;
    await agent.follow(conversationId);
    const heard: Message[] = [];
    agent.on('message', (m) => heard.push(m));

    visitor.send(conversationId, `Bună ziua, plătesc cu cardul ${CARD}, mulțumesc!`);
    visitor.send(conversationId, `Buna ziua, cardul meu: ${CARD.replaceAll(' ', '-')} (fara diacritice)`);
    await eventually(() => expect(visitor.pending()).toHaveLength(0));
    await eventually(() => expect(heard).toHaveLength(2));

    // What the agent's socket was sent, and what the visitor's ack stored.
    expect(heard.map((m) => m.body)).toEqual([
      'Bună ziua, plătesc cu cardul •••• •••• •••• 4242, mulțumesc!',
      'Buna ziua, cardul meu: •••• •••• •••• 4242 (fara diacritice)',
    ]);
    expect(heard.every((m) => m.redacted?.join() === 'card')).toBe(true);
    const mine = visitor.timeline(conversationId).filter((m) => 'author' in m && m.author.kind === 'visitor');
    expect(mine.map((m) => (m as Message).redacted)).toEqual([['card'], ['card']]);

    // The agent continues by email and replies with a card of its own, and a note with one.
    const address = `klient-${conversationId.slice(-6)}@example.com`;
    const escalated = await fetch(`${env.relay.url}/api/email/conversations/${conversationId}/escalate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.agent.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ address }),
    });
    expect(escalated.status).toBe(200);
    agent.send(
      conversationId,
      `Dzień dobry, numer karty ${AGENT_CARD} mamy, dziękuję. Dzien dobry, dziekuje.`,
    );
    const note = (await agent.request('note:send', {
      conversationId,
      clientMsgId: newClientId(),
      body: `Klient podał kartę ${CARD}`,
    })) as { ok: boolean; message?: Message };
    expect(note.ok).toBe(true);
    expect(note.message?.body).toBe('Klient podał kartę •••• •••• •••• 4242');
    await eventually(() => expect(agent.pending()).toHaveLength(0));

    let mail: MailboxEntry[] = [];
    await eventually(async () => {
      mail = (await env.relay.services.email.mailbox(admin())).filter((e) => e.to.includes(address));
      expect(mail.some((e) => e.text.includes('•••• •••• •••• 4444'))).toBe(true);
    });

    const stored = await everything('messages');
    const mailbox = await everything('mailboxentries');
    const outbound = await everything('emails');
    for (const form of [...forms(CARD), ...forms(AGENT_CARD), CARD.replaceAll(' ', '-')]) {
      expect(stored).not.toContain(form);
      expect(mailbox).not.toContain(form);
      expect(outbound).not.toContain(form);
      for (const entry of mail) expect(entry.raw).not.toContain(form);
    }
    const docs = await env.relay.connection
      .collection('messages')
      .find({ conversationId: { $exists: true }, redacted: 'card' })
      .toArray();
    expect(docs.length).toBeGreaterThanOrEqual(4);
  });

  it('masks IBANs and national ids only where the site asks for it', async () => {
    const IBAN = 'RO49 AAAA 1B31 0075 9384 0000';
    const PESEL = '44051401359';
    const CNP = '2960523460034';
    const body = `IBAN ${IBAN}, PESEL ${PESEL}, CNP ${CNP}. Żółć, ăîșț.`;
    const visitor = await ready(
      visitorClient(env.relay.url, env.otherSite.publicKey, {
        extraHeaders: { origin: 'http://other.test' },
      }),
    );
    open.push(visitor);
    const first = await visitor.start(newClientId());
    if (!first.ok) throw new Error(first.message);
    // Off by default: the text is stored as typed.
    visitor.send(first.conversation.id, body);
    await eventually(() => expect(visitor.pending()).toHaveLength(0));
    expect(visitor.timeline(first.conversation.id).at(-1)?.body).toBe(body);

    await setRedaction(env.otherSite.id, { iban: true, nationalIds: true });
    visitor.send(first.conversation.id, body);
    await eventually(() => expect(visitor.pending()).toHaveLength(0));
    const masked = visitor.timeline(first.conversation.id).at(-1) as Message;
    expect(masked.body).toBe('IBAN RO•• •••• •••• 0000, PESEL •••••••1359, CNP •••••••••0034. Żółć, ăîșț.');
    expect(masked.redacted).toEqual(['iban', 'national_id']);
    const doc = await env.relay.connection
      .collection('messages')
      .findOne({ clientMsgId: masked.clientMsgId });
    expect(doc?.body).toBe(masked.body);
  });

  it('masks a card in inbound email, subject, text, HTML, text attachment and original alike', async () => {
    const CARD = '4111 1111 1111 1111';
    const address = `jan-${Date.now()}@example.com`;
    const { conversationId } = await emailConversation(env.relay, env.admin.agent, env.site.id, address);
    const thread = await env.relay.connection
      .collection('emailthreads')
      .findOne({ conversationId: { $exists: true }, address });
    const replyTo = `reply+${thread!.replyToken as string}@${DOMAIN}`;

    // From the thread's address: joins the timeline.
    await sendOverSmtp(env.relay.services.email.inboundPort!, {
      from: address,
      to: replyTo,
      subject: `Płatność kartą ${CARD}`,
      text: `Dzień dobry, moja karta to ${CARD}. Dziekuje.`,
      html: `<p>Dzień dobry, moja karta to <b>4111 1111</b> 1111 1111.</p>`,
      attachments: [{ filename: 'dane.txt', content: `karta: ${CARD.replaceAll(' ', '')}\n` }],
    });
    // From someone else: held, and held mail is where the original would be kept.
    await sendOverSmtp(env.relay.services.email.inboundPort!, {
      from: 'obcy@example.com',
      to: replyTo,
      subject: 'Plată',
      text: `Bună, cardul meu este ${CARD.replaceAll(' ', '-')}, mulțumesc.`,
    });
    // A held email without a number keeps its original.
    await sendOverSmtp(env.relay.services.email.inboundPort!, {
      from: 'obcy@example.com',
      to: replyTo,
      subject: 'Alta',
      text: 'Nimic de ascuns, numărul comenzii 1234.',
    });

    const emails = env.relay.connection.collection('emails');
    await eventually(async () => {
      expect(await emails.countDocuments({ direction: 'in', conversationId: thread!.conversationId })).toBe(
        3,
      );
      const timeline = await env.relay.services.conversations.timeline(conversationId);
      expect(timeline.some((m) => m.channel === 'email' && m.author.kind === 'visitor')).toBe(true);
    });
    const added = await emails.findOne({
      direction: 'in',
      disposition: 'added',
      conversationId: thread!.conversationId,
    });
    expect(added?.subject).toBe('Płatność kartą •••• •••• •••• 1111');
    expect(added?.text).toContain('moja karta to •••• •••• •••• 1111.');
    // The HTML split the number with markup: it is not kept, the text stands for it.
    expect(added?.html).toBeNull();
    expect(added?.redacted).toEqual(['card']);
    const held = await emails
      .find({ direction: 'in', disposition: 'held', conversationId: thread!.conversationId })
      .toArray();
    const withCard = held.find((h) => h.subject === 'Plată');
    const without = held.find((h) => h.subject === 'Alta');
    expect(withCard?.raw).toBeNull();
    expect(withCard?.text).toContain('cardul meu este •••• •••• •••• 1111, mulțumesc.');
    expect(without?.raw).not.toBeNull();

    const attachments = await env.relay.connection
      .collection('emailattachments')
      .find({ emailId: added!._id })
      .toArray();
    expect(attachments.map((a) => a.content.toString())).toEqual(['karta: •••• •••• •••• 1111\n']);
    const timeline = await env.relay.services.conversations.timeline(conversationId);
    const reply = timeline.find((m) => m.channel === 'email' && m.author.kind === 'visitor')!;
    expect(reply.body).toBe('Dzień dobry, moja karta to •••• •••• •••• 1111. Dziekuje.');
    expect(reply.redacted).toEqual(['card']);

    expect(without?.raw).toBeInstanceOf(Binary);
    for (const collection of ['emails', 'emailattachments', 'messages', 'mailboxentries']) {
      const all = await everything(collection);
      for (const form of [...forms(CARD), CARD.replaceAll(' ', '-'), '4111 1111</b> 1111']) {
        expect(all).not.toContain(form);
      }
    }
  });
});
