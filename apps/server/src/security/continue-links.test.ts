// Continue links (issue 12, item 12): the browser a link is exchanged in reaches that link's
// conversation only; after the thread moved to another address, links sent to the old address
// stop working, and so do the browser sessions they were exchanged for.
import { memoryStore, newClientId } from '@parley/client';
import type { Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '../conversations/service';
import { startTestRelay } from '../testing';
import { agentClient, ready, visitorClient } from '../testing/clients';

let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: { close(): void }[] = [];

beforeAll(async () => {
  env = await startTestRelay({ inboundSmtpPort: 0, devMailbox: true, emailVerify: false, emailTickMs: 50 });
});
afterAll(async () => {
  for (const c of open) c.close();
  await env?.relay.close();
});

const admin = (): Actor => ({ kind: 'agent', agentId: env.admin.agent.id, name: 'Ada Admin', siteIds: null });

async function post(path: string, body: unknown) {
  const response = await fetch(`${env.relay.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The continue link in the newest email the Mailbox caught for `address`. */
async function linkSentTo(address: string): Promise<string> {
  let link = '';
  await vi.waitFor(
    async () => {
      const mail = (await env.relay.services.email.mailbox(admin())).find((e) => e.to.includes(address));
      link = /\/continue\/(\S+)/.exec(mail?.text ?? '')?.[1] ?? '';
      expect(link).not.toBe('');
    },
    { timeout: 15_000, interval: 25 },
  );
  return link;
}

const browserWith = (token: string) => {
  const store = memoryStore();
  store.setItem(`parley:${env.site.publicKey}:token`, token);
  return store;
};

describe('a continue link whose thread moved to another address', () => {
  it('no longer opens the conversation, and the session it gave another browser ends', async () => {
    const visitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
    open.push(visitor);
    const started = await visitor.start(newClientId());
    if (!started.ok) throw new Error(started.message);
    const conversationId = started.conversation.id;
    const visitorId = visitor.session!.visitorId;
    visitor.send(conversationId, 'Write to me, please.');
    await vi.waitFor(() => expect(visitor.pending()).toHaveLength(0));

    const moved = await env.relay.services.email.continueByEmail(admin(), conversationId, 'old@example.com');
    expect(moved).toMatchObject({ ok: true });
    const oldLink = await linkSentTo('old@example.com');
    const exchanged = await post('/api/email/continue', { token: oldLink, device: true });
    expect(exchanged.status).toBe(200);
    const phoneToken = String(exchanged.body.visitorToken);
    const phone = await ready(
      visitorClient(env.relay.url, env.site.publicKey, { store: browserWith(phoneToken) }),
    );
    open.push(phone);
    expect(phone.session?.visitorId).toBe(visitorId);
    phone.close();

    // The agent continues at another address: the thread gets a new reply token.
    expect(
      await env.relay.services.email.continueByEmail(admin(), conversationId, 'new@example.com'),
    ).toMatchObject({ ok: true });
    const newLink = await linkSentTo('new@example.com');

    expect(await post('/api/email/continue', { token: oldLink })).toMatchObject({
      status: 401,
      body: { ok: false, code: 'unauthorized' },
    });
    expect((await fetch(`${env.relay.url}/continue/${oldLink}`, { redirect: 'manual' })).status).toBe(404);
    const again = await ready(
      visitorClient(env.relay.url, env.site.publicKey, { store: browserWith(phoneToken) }),
    );
    open.push(again);
    expect(again.session?.visitorId).not.toBe(visitorId);

    // The link sent to the new address works, and the visitor's first browser is untouched.
    expect(await post('/api/email/continue', { token: newLink })).toMatchObject({
      status: 200,
      body: { ok: true, conversationId, visitorId },
    });
    const laptop = await ready(
      visitorClient(env.relay.url, env.site.publicKey, { store: browserWith(visitor.session!.token) }),
    );
    open.push(laptop);
    expect(laptop.session?.visitorId).toBe(visitorId);
  });
});

describe('a browser opened from a continue link', () => {
  it("reaches the link's conversation only", async () => {
    // One visitor, two conversations; the first continues by email.
    const visitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
    open.push(visitor);
    const first = await visitor.start(newClientId());
    const otherKey = newClientId();
    const second = await visitor.start(otherKey);
    if (!first.ok || !second.ok) throw new Error('could not start');
    const linked = first.conversation.id;
    const other = second.conversation.id;
    visitor.send(other, 'My address is 1 Secret Street.');
    await vi.waitFor(() => expect(visitor.pending()).toHaveLength(0));
    const [stored] = await env.relay.services.conversations.timeline(other);
    expect(await env.relay.services.email.continueByEmail(admin(), linked, 'me@example.com')).toMatchObject({
      ok: true,
    });

    const exchanged = await fetch(`${env.relay.url}/api/email/continue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: await linkSentTo('me@example.com'), device: true }),
    }).then((r) => r.json() as Promise<{ visitorToken: string }>);
    const phone = await ready(
      visitorClient(env.relay.url, env.site.publicKey, { store: browserWith(exchanged.visitorToken) }),
    );
    open.push(phone);
    expect(phone.session?.visitorId).toBe(visitor.session?.visitorId);

    // What the phone can read: the linked conversation, not the other one.
    const sync = await phone.socket.emitWithAck('sync', {
      conversations: [
        { conversationId: linked, afterSeq: 0 },
        { conversationId: other, afterSeq: 0 },
      ],
    });
    expect(sync.ok && sync.conversations.map((c) => c.id)).toEqual([linked]);
    expect(sync.ok && sync.messages.some((m) => m.conversationId === other)).toBe(false);
    // What it can write or replay there: nothing.
    expect(
      await phone.socket.emitWithAck('message:send', {
        conversationId: other,
        clientMsgId: newClientId(),
        body: 'x',
      }),
    ).toMatchObject({ ok: false, code: 'not_found' });
    expect(
      await phone.socket.emitWithAck('message:send', {
        conversationId: other,
        clientMsgId: stored!.clientMsgId,
        body: 'x',
        retry: true,
      }),
    ).toMatchObject({ ok: false, code: 'not_found' });
    // Nor can it start a conversation, which could hand back another by its start key.
    expect(await phone.socket.emitWithAck('conversation:start', { startKey: otherKey })).toMatchObject({
      ok: false,
      code: 'forbidden',
    });

    // What it hears: replies in the linked conversation, none in the other.
    const heard: Message[] = [];
    phone.socket.on('message', (message) => heard.push(message));
    const agent = await ready(agentClient(env.relay.url, env.admin.token));
    open.push(agent);
    agent.send(other, 'We have your address.');
    agent.send(linked, 'Thanks for writing.');
    await vi.waitFor(() => expect(heard.map((m) => m.body)).toContain('Thanks for writing.'));
    await vi.waitFor(() =>
      expect(visitor.timeline(other).map((m) => m.body)).toContain('We have your address.'),
    );
    expect(heard.map((m) => m.body)).not.toContain('We have your address.');
    // Its own messages go to the linked conversation as before.
    phone.send(linked, 'Here from my phone.');
    await vi.waitFor(() => expect(phone.pending()).toHaveLength(0));
  });
});
