// The whole escalation over real SMTP, out of the box: no SMTP_URL, so the built-in server is the
// mail catcher (dev Mailbox) and takes the visitor's replies too.
import { newClientId } from '@parley/client';
import type { MailboxEntry, Message, VisitorConversation } from '@parley/protocol';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestRelay } from '../testing';
import { agentClient, ready, visitorClient } from '../testing/clients';
import { parseInboundAddress } from './addresses';
import { threadBinding, verifyContinueLink } from './signatures';
import { sendOverSmtp } from './testing';

const DOMAIN = 'parley.test';
let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: { close(): void }[] = [];

beforeAll(async () => {
  env = await startTestRelay({
    inboundSmtpPort: 0,
    devMailbox: true,
    // As `pnpm start` runs it: the dev Mailbox's replies are not signed by any real domain.
    emailVerify: false,
    inboundDomain: DOMAIN,
    emailTickMs: 50,
    linkSecret: 'flow-link-secret',
  });
});
afterAll(async () => {
  for (const c of open) c.close();
  await env.relay.close();
});

const eventually = (check: () => void | Promise<void>) =>
  vi.waitFor(check, { timeout: 15_000, interval: 25 });

async function api(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const response = await fetch(`${env.relay.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${init.token ?? env.agent.token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The Mailbox's emails to an address, oldest first. */
async function mailTo(address: string): Promise<MailboxEntry[]> {
  const { body } = await api('/api/email/mailbox');
  return (body.emails as MailboxEntry[]).filter((e) => e.to.includes(address)).reverse();
}

async function waitForMail(address: string, count: number): Promise<MailboxEntry[]> {
  let found: MailboxEntry[] = [];
  await eventually(async () => {
    found = await mailTo(address);
    expect(found.length).toBeGreaterThanOrEqual(count);
  });
  return found;
}

describe('continue by email', () => {
  it('escalates, threads both ways over SMTP, and keeps one timeline in order', async () => {
    const visitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
    const agent = await ready(agentClient(env.relay.url, env.agent.token));
    open.push(visitor, agent);
    const started = await visitor.start(newClientId());
    if (!started.ok) throw new Error(started.message);
    const conversationId = started.conversation.id;
    visitor.send(conversationId, 'Hi, is the blue mug in stock?');
    await eventually(() => expect(visitor.pending()).toHaveLength(0));
    await agent.follow(conversationId);
    const heardByAgent: Message[] = [];
    agent.on('message', (m) => heardByAgent.push(m));
    const seenByVisitor: VisitorConversation[] = [];
    visitor.on('conversation', (c) => seenByVisitor.push(c));

    // The agent continues by email: every view shows the masked address.
    const escalated = await api(`/api/email/conversations/${conversationId}/escalate`, {
      method: 'POST',
      body: { address: 'Jane@Example.com' },
    });
    expect(escalated.status).toBe(200);
    expect(escalated.body.conversation).toMatchObject({ channel: 'email', emailTo: 'j***@example.com' });
    expect(escalated.body.thread).toMatchObject({
      address: 'jane@example.com',
      maskedAddress: 'j***@example.com',
    });
    await eventually(() =>
      expect(seenByVisitor.at(-1)).toMatchObject({ channel: 'email', emailTo: 'j***@example.com' }),
    );

    // The first email: reply address with a token, threading headers, recap and a signed link.
    const [intro] = await waitForMail('jane@example.com', 1);
    const first = await simpleParser(intro!.raw);
    expect(first.to).toMatchObject({ value: [{ address: 'jane@example.com' }] });
    const replyTo = first.replyTo?.value[0]?.address ?? '';
    const token = parseInboundAddress(replyTo, DOMAIN);
    expect(token).toMatchObject({ kind: 'reply' });
    expect(first.messageId).toMatch(/^<.+@parley\.test>$/);
    expect(first.subject).toContain(`[#${conversationId.slice(-8).toUpperCase()}]`);
    expect(first.text).toContain('Hi, is the blue mug in stock?');
    const link = /\/continue\/(\S+)/.exec(first.text ?? '')?.[1] ?? '';
    expect(verifyContinueLink('flow-link-secret', link)).toEqual({
      conversationId,
      visitorId: started.conversation.visitorId,
      thread: threadBinding(token!.token),
    });

    // The agent's reply on an email conversation goes out as an email in the same thread.
    agent.send(conversationId, 'Yes! We have 5 left. Which colour do you want?');
    const [, second] = await waitForMail('jane@example.com', 2);
    const reply = await simpleParser(second!.raw);
    expect(reply.inReplyTo).toBe(first.messageId);
    expect(reply.references).toContain(first.messageId);
    expect(reply.subject).toBe(`Re: ${first.subject}`);
    expect(reply.text).toContain('Yes! We have 5 left. Which colour do you want?');
    expect(reply.replyTo?.value[0]?.address).toBe(replyTo);

    // The visitor answers from a mail client: new text on top, a signature, the history quoted.
    const quoted = (reply.text ?? '')
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n');
    const answers = ['The blue one please, and gift wrap it.', 'Oh, and can it ship by Friday?'];
    const visitorIds: string[] = [];
    for (const [i, answer] of answers.entries()) {
      const messageId = `<visitor-${i}-${conversationId}@example.com>`;
      visitorIds.push(messageId);
      await sendOverSmtp(env.relay.services.email.inboundPort!, {
        from: 'Jane Doe <jane@example.com>',
        to: replyTo,
        subject: `Re: ${reply.subject}`,
        messageId,
        inReplyTo: reply.messageId ?? '',
        references: [first.messageId ?? '', reply.messageId ?? ''],
        text: `${answer}\n\nBest regards,\nJane\n\n-- \nJane Doe\nSent from my iPhone\n\nOn Mon, 23 Nov 2026 at 18:00, Ana Agent <parley@parley.test> wrote:\n${quoted}\n`,
      });
    }

    // Only the new text joins the timeline, after the agent's reply, in order; agents hear it live.
    await eventually(async () => {
      const timeline = await env.relay.services.conversations.timeline(conversationId);
      expect(timeline.filter((m) => m.type === 'message').map((m) => m.body)).toEqual([
        'Hi, is the blue mug in stock?',
        'Yes! We have 5 left. Which colour do you want?',
        ...answers,
      ]);
    });
    const timeline = await env.relay.services.conversations.timeline(conversationId);
    expect(timeline.map((m) => m.seq)).toEqual(timeline.map((_, i) => i + 1));
    const fromEmail = timeline.filter((m) => m.channel === 'email' && m.author.kind === 'visitor');
    expect(fromEmail).toHaveLength(2);
    expect(fromEmail[0]!.author.id).toBe(started.conversation.visitorId);
    await eventually(() =>
      expect(heardByAgent.filter((m) => m.author.kind === 'visitor').map((m) => m.body)).toEqual(answers),
    );

    // The original, quote and signature included, stays viewable.
    const original = await api(`/api/email/messages/${fromEmail[0]!.data?.emailId}`);
    expect(original.status).toBe(200);
    expect(original.body.email).toMatchObject({ direction: 'in', from: 'jane@example.com' });
    expect((original.body.email as { text: string }).text).toContain('Sent from my iPhone');
    expect((original.body.email as { text: string }).text).toContain('> Yes! We have 5 left.');

    // The agent's next reply answers the visitor's latest message.
    agent.send(conversationId, 'Done: gift wrapped, shipping Thursday.');
    const third = await simpleParser((await waitForMail('jane@example.com', 3))[2]!.raw);
    expect(third.inReplyTo).toBe(visitorIds[1]);
    expect(third.references).toEqual(
      expect.arrayContaining([first.messageId, reply.messageId, visitorIds[0], visitorIds[1]]),
    );

    // The visitor, back in the widget, sees the whole thread, email turns included.
    await visitor.resync();
    expect(visitor.timeline(conversationId).map((m) => m.body)).toEqual(
      expect.arrayContaining([...answers, 'Done: gift wrapped, shipping Thursday.']),
    );

    // ...and can switch back to chat.
    const back = await env.relay.services.email.continueInChat(
      { kind: 'visitor', visitorId: started.conversation.visitorId, siteId: env.site.id },
      conversationId,
    );
    expect(back).toMatchObject({ ok: true, conversation: { channel: 'chat', emailTo: null } });
  });

  it('answers from the dev Mailbox as the visitor, emails transcripts, and checks browser links', async () => {
    const visitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
    open.push(visitor);
    const started = await visitor.start(newClientId());
    if (!started.ok) throw new Error(started.message);
    const conversationId = started.conversation.id;
    visitor.send(conversationId, 'Can I change my delivery address?');
    await eventually(() => expect(visitor.pending()).toHaveLength(0));
    await env.relay.services.visitors.setEmail(started.conversation.visitorId, 'ann@example.com');

    // With no address given, the one the visitor left is used.
    const escalated = await api(`/api/email/conversations/${conversationId}/escalate`, {
      method: 'POST',
      body: {},
    });
    expect(escalated.body.thread).toMatchObject({ address: 'ann@example.com' });
    const [intro] = await waitForMail('ann@example.com', 1);

    // "Reply as the visitor" goes over SMTP to the reply address, quoting the email like a mail client.
    const replied = await api(`/api/email/mailbox/${intro!.id}/reply`, {
      method: 'POST',
      body: { body: 'Yes: 12 Harbour Street, please.' },
    });
    expect(replied).toMatchObject({ status: 200, body: { ok: true } });
    await eventually(async () => {
      const timeline = await env.relay.services.conversations.timeline(conversationId);
      expect(timeline.filter((m) => m.author.kind === 'visitor').map((m) => [m.body, m.channel])).toEqual([
        ['Can I change my delivery address?', 'chat'],
        ['Yes: 12 Harbour Street, please.', 'email'],
      ]);
    });
    const badReply = await api(`/api/email/mailbox/${intro!.id}/reply`, {
      method: 'POST',
      body: { body: '  ' },
    });
    expect(badReply.status).toBe(400);

    // A transcript on request: the whole visible timeline, marked as machine-sent, with the reply address.
    const transcript = await api(`/api/email/conversations/${conversationId}/transcript`, {
      method: 'POST',
      body: {},
    });
    expect(transcript).toMatchObject({ status: 200, body: { ok: true } });
    const mails = await waitForMail('ann@example.com', 2);
    const parsed = await simpleParser(mails[1]!.raw);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.text).toContain('Can I change my delivery address?');
    expect(parsed.text).toContain('Yes: 12 Harbour Street, please.');
    expect(parsed.replyTo?.value[0]?.address).toBe(
      (await simpleParser(intro!.raw)).replyTo?.value[0]?.address,
    );

    // The link in the email names the conversation; a forged one names nothing.
    const token = /\/continue\/(\S+)/.exec(parsed.text ?? '')?.[1] ?? '';
    const link = await fetch(`${env.relay.url}/api/email/continue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(await link.json()).toEqual({
      ok: true,
      conversationId,
      visitorId: started.conversation.visitorId,
      siteKey: env.site.publicKey,
    });
    const opened = await fetch(`${env.relay.url}/continue/${token}`, { redirect: 'manual' });
    expect(opened.status).toBe(302);
    expect(opened.headers.get('location')).toBe(`http://shop.test/#parley-continue=${token}`);
    const openedForged = await fetch(
      `${env.relay.url}/continue/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
      {
        redirect: 'manual',
      },
    );
    expect(openedForged.status).toBe(404);
    const forged = await fetch(`${env.relay.url}/api/email/continue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: `${token.split('.')[0]}.${'A'.repeat(43)}` }),
    });
    expect(forged.status).toBe(401);
  });

  it('lets the visitor choose "Email me instead"', async () => {
    const { services } = env.relay;
    const { visitor } = await services.visitors.mint(env.site.id);
    const me = { kind: 'visitor' as const, visitorId: visitor.id, siteId: env.site.id };
    const { conversation } = await services.conversations.start(me, newClientId());
    await services.conversations.append(me, {
      conversationId: conversation.id,
      clientMsgId: newClientId(),
      body: 'I have to go, email me the answer please.',
    });
    const chosen = await services.email.emailMeInstead(me, conversation.id, 'Bob@Example.com');
    expect(chosen).toMatchObject({
      ok: true,
      conversation: { channel: 'email', emailTo: 'b***@example.com' },
    });
    // Until Bob answers from that address, the mail carries nothing the visitor wrote.
    const [mail] = await waitForMail('bob@example.com', 1);
    expect(mail!.text).not.toContain('I have to go');
    expect(mail!.text).toContain('If you did not ask for this, you can ignore this email.');
    expect((await services.visitors.byId(visitor.id))?.email).toBe('bob@example.com');
    // Another visitor's conversation is not theirs to move.
    const { visitor: other } = await services.visitors.mint(env.site.id);
    const refused = await services.email.emailMeInstead(
      { kind: 'visitor', visitorId: other.id, siteId: env.site.id },
      conversation.id,
      'eve@example.com',
    );
    expect(refused).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('refuses to escalate without a usable address, and for conversations the agent cannot see', async () => {
    const visitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
    open.push(visitor);
    const started = await visitor.start(newClientId());
    if (!started.ok) throw new Error(started.message);
    const id = started.conversation.id;
    const noAddress = await api(`/api/email/conversations/${id}/escalate`, { method: 'POST', body: {} });
    expect(noAddress).toMatchObject({ status: 400, body: { ok: false, code: 'bad_request' } });
    const injected = await api(`/api/email/conversations/${id}/escalate`, {
      method: 'POST',
      body: { address: 'jane@example.com\r\nBcc: everyone@example.com' },
    });
    expect(injected).toMatchObject({ status: 400, body: { code: 'bad_request' } });
    const ourselves = await api(`/api/email/conversations/${id}/escalate`, {
      method: 'POST',
      body: { address: `reply+${'0'.repeat(32)}@${DOMAIN}` },
    });
    expect(ourselves).toMatchObject({ status: 400 });
    const outsider = await api(`/api/email/conversations/${id}/escalate`, {
      method: 'POST',
      body: { address: 'jane@example.com' },
      token: env.outsider.token,
    });
    expect(outsider).toMatchObject({ status: 404, body: { code: 'not_found' } });
    const anonymous = await fetch(`${env.relay.url}/api/email/conversations/${id}/escalate`, {
      method: 'POST',
    });
    expect(anonymous.status).toBe(401);
    const conversation = await env.relay.services.conversations.byId(id);
    expect(conversation?.channel).toBe('chat');
  });
});
