// "Email me instead" and "switch back to chat" from the widget, over a real Socket.IO connection to
// a relay whose built-in SMTP server catches the mail: what the visitor's own ack says, what every
// view hears, the email that goes out, and each kind of bad input refused with a clear code.
import { newClientId } from '@parley/client';
import type { MailboxEntry, VisitorConversation } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestRelay } from '../testing';
import { ready, visitorClient } from '../testing/clients';

let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: { close(): void }[] = [];

beforeAll(async () => {
  env = await startTestRelay({
    inboundSmtpPort: 0,
    devMailbox: true,
    emailVerify: false,
    inboundDomain: 'parley.test',
    emailTickMs: 50,
  });
});
afterAll(async () => {
  for (const c of open) c.close();
  await env.relay.close();
});

const eventually = (check: () => void | Promise<void>) =>
  vi.waitFor(check, { timeout: 15_000, interval: 25 });

async function visitorWithConversation() {
  const visitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
  open.push(visitor);
  const started = await visitor.start(newClientId());
  if (!started.ok) throw new Error(started.message);
  visitor.send(started.conversation.id, 'Can you send me the invoice?');
  await eventually(() => expect(visitor.pending()).toHaveLength(0));
  const socket = visitor.socket as unknown as Socket;
  return { visitor, socket, conversationId: started.conversation.id };
}

async function mailbox(): Promise<MailboxEntry[]> {
  const response = await fetch(`${env.relay.url}/api/email/mailbox`, {
    headers: { authorization: `Bearer ${env.agent.token}` },
  });
  return ((await response.json()) as { emails: MailboxEntry[] }).emails;
}

describe('conversation:email and conversation:chat from the widget', () => {
  it('continues by email at the address the visitor types, mails them, and switches back to chat', async () => {
    const { visitor, socket, conversationId } = await visitorWithConversation();
    const heard: VisitorConversation[] = [];
    visitor.on('conversation', (c) => heard.push(c));

    const asked = await socket.emitWithAck('conversation:email', {
      conversationId,
      email: ' Jane.Widget@Example.com ',
    });
    expect(asked).toMatchObject({
      ok: true,
      conversation: { id: conversationId, channel: 'email', emailTo: 'j***@example.com' },
    });
    await eventually(() => expect(heard.at(-1)).toMatchObject({ channel: 'email' }));
    await eventually(async () =>
      expect((await mailbox()).some((m) => m.to.includes('jane.widget@example.com'))).toBe(true),
    );
    await eventually(() =>
      expect(
        visitor.timeline(conversationId).some((e) => 'data' in e && e.data?.name === 'channel_changed'),
      ).toBe(true),
    );

    const back = await socket.emitWithAck('conversation:chat', { conversationId });
    expect(back).toMatchObject({ ok: true, conversation: { channel: 'chat', emailTo: null } });

    // The address is remembered: the next "Email me instead" needs no field.
    const again = await socket.emitWithAck('conversation:email', { conversationId });
    expect(again).toMatchObject({ ok: true, conversation: { channel: 'email' } });
  });

  it('refuses bad input with a clear code, and never touches another visitor’s conversation', async () => {
    const { socket, conversationId } = await visitorWithConversation();
    const other = await visitorWithConversation();

    expect(await socket.emitWithAck('conversation:email', { conversationId })).toMatchObject({
      ok: false,
      code: 'bad_request',
      message: 'the visitor has not given a usable email address',
    });
    const badAddress = await socket.emitWithAck('conversation:email', {
      conversationId,
      email: 'jane@example.com\r\nBcc: all@example.com',
    });
    expect(badAddress).toMatchObject({ ok: false, code: 'bad_request' });
    expect((badAddress as { message: string }).message).toMatch(/^email:/);
    expect(
      await socket.emitWithAck('conversation:email', { conversationId: 'nope', email: 'a@example.com' }),
    ).toMatchObject({ ok: false, code: 'bad_request', message: expect.stringMatching(/^conversationId:/) });
    expect(
      await socket.emitWithAck('conversation:email', { conversationId, email: 'a@example.com', extra: 1 }),
    ).toMatchObject({ ok: false, code: 'bad_request' });
    expect(
      await (socket.emitWithAck as (event: string, payload: unknown) => Promise<unknown>)(
        'conversation:email',
        null,
      ),
    ).toMatchObject({ ok: false, code: 'bad_request' });
    expect(
      await socket.emitWithAck('conversation:email', {
        conversationId: 'a'.repeat(24),
        email: 'a@example.com',
      }),
    ).toMatchObject({ ok: false, code: 'not_found' });
    expect(
      await socket.emitWithAck('conversation:email', {
        conversationId: other.conversationId,
        email: 'thief@example.com',
      }),
    ).toMatchObject({ ok: false, code: 'not_found' });
    expect(
      await socket.emitWithAck('conversation:chat', { conversationId: other.conversationId }),
    ).toMatchObject({ ok: false });
    // Nothing was switched and back: no address, no switch on the timeline.
    const stored = await env.relay.services.conversations.byId(other.conversationId);
    expect(stored).toMatchObject({ channel: 'chat', emailTo: null });
    const timeline = await env.relay.services.conversations.timeline(other.conversationId);
    expect(timeline.filter((m) => m.data?.name === 'channel_changed')).toEqual([]);
  });
});
