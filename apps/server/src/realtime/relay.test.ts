import type { ChatClient } from '@parley/client';
import { memoryStore, newClientId } from '@parley/client';
import type { Conversation, Message, VisitorConversation } from '@parley/protocol';
import { MAX_MESSAGE_LENGTH, MAX_PACKET_BYTES, SYNC_PAGE_SIZE } from '@parley/protocol';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { identityHash } from '../sites/service';
import { SHOP_ORIGIN, startTestRelay } from '../testing';
import { agentClient, outcome, rawSocket, ready, visitorClient } from '../testing/clients';

let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: { close(): void }[] = [];
const track = <T extends { close(): void }>(c: T) => {
  open.push(c);
  return c;
};

beforeAll(async () => {
  // One visitor here starts hundreds of conversations (sync paging), far past what one address may.
  env = await startTestRelay({ socketRatePerSec: 50, socketBurst: 100, startsPerMinute: 100_000 });
});
afterAll(async () => {
  for (const c of open) c.close();
  await env.relay.close();
});

async function startConversation(client: ChatClient): Promise<VisitorConversation> {
  const result = await client.start(newClientId());
  if (!result.ok) throw new Error(result.message);
  return result.conversation;
}

const eventually = (check: () => void, timeout = 15_000) => vi.waitFor(check, { timeout, interval: 20 });
const bodies = (messages: readonly { body: string }[]) => messages.map((m) => m.body);

describe('conversation flow', () => {
  it('carries messages both ways, in order, with per-conversation seq', async () => {
    const visitor = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    const agent = track(await ready(agentClient(env.relay.url, env.agent.token)));
    const seenByAgent: Message[] = [];
    agent.on('message', (m) => seenByAgent.push(m));
    const announced: Conversation[] = [];
    agent.on('conversation', (c) => announced.push(c));

    const startKey = newClientId();
    for (const text of ['Hi', 'Is the blue mug in stock?', 'I need 3']) visitor.send({ startKey }, text);
    await eventually(() => expect(visitor.pending()).toHaveLength(0));
    const conversationId =
      visitor.timeline(null, startKey).length === 0 ? [...visitor.conversations.keys()][0]! : '';
    expect(announced.map((c) => c.id)).toContain(conversationId);

    await eventually(() =>
      expect(bodies(seenByAgent)).toEqual(['Hi', 'Is the blue mug in stock?', 'I need 3']),
    );
    expect(seenByAgent.map((m) => m.seq)).toEqual([1, 2, 3]);

    await agent.follow(conversationId);
    agent.send(conversationId, 'Yes, we have 5 left.');
    await eventually(() =>
      expect(bodies(visitor.timeline(conversationId))).toEqual([
        'Hi',
        'Is the blue mug in stock?',
        'I need 3',
        'Yes, we have 5 left.',
      ]),
    );
    const reply = visitor.timeline(conversationId)[3] as Message;
    expect(reply.author).toMatchObject({ kind: 'agent', name: 'Ana Agent' });
    expect(reply.seq).toBe(4);

    const stored = await env.relay.services.conversations.timeline(conversationId);
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    const conversation = await env.relay.services.conversations.get(
      { kind: 'agent', agentId: env.agent.agent.id, name: 'x', siteIds: null },
      conversationId,
    );
    expect(conversation?.firstResponseAt).not.toBeNull();
    // This relay sends no email, so nothing marks a reply as owed one (and nothing would clear it).
    const marked = await env.relay.connection
      .collection('messages')
      .countDocuments({ conversationId: new ObjectId(conversationId), pending: { $exists: true } });
    expect(marked).toBe(0);
  });

  it('turns retries with the same client id into acks of the stored message', async () => {
    const visitor = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    const { id: conversationId } = await startConversation(visitor);
    const payload = { conversationId, clientMsgId: newClientId(), body: 'only once please' };
    const send = () => visitor.socket.emitWithAck('message:send', payload);
    // Concurrent (same batch) and sequential (later batches) retries.
    const first = await Promise.all([send(), send(), send()]);
    const later = [await send(), await send()];
    const ids = new Set([...first, ...later].map((r) => (r.ok ? r.message.id : r.code)));
    expect(ids.size).toBe(1);
    const stored = await env.relay.services.conversations.timeline(conversationId);
    expect(stored.filter((m) => m.clientMsgId === payload.clientMsgId)).toHaveLength(1);
    expect(stored).toHaveLength(1);
  });

  it('loses and doubles nothing when the transport is closed mid-burst', async () => {
    const visitor = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    const agent = track(await ready(agentClient(env.relay.url, env.admin.token)));
    const { id: conversationId } = await startConversation(visitor);
    await agent.follow(conversationId);

    const sent = Array.from({ length: 60 }, (_, i) => `burst ${i}`);
    let acked = 0;
    const dropAt = new Promise<void>((resolve) => {
      visitor.on('message', () => {
        if (++acked === 15) resolve();
      });
    });
    for (const body of sent) visitor.send(conversationId, body);
    await dropAt;
    visitor.socket.io.engine.close();
    agent.socket.io.engine.close();

    await eventually(() => expect(visitor.pending()).toHaveLength(0));
    const stored = await env.relay.services.conversations.timeline(conversationId);
    expect(bodies(stored)).toEqual(sent);
    expect(new Set(stored.map((m) => m.clientMsgId)).size).toBe(sent.length);
    await eventually(() => expect(bodies(agent.timeline(conversationId))).toEqual(sent));
    expect(bodies(visitor.timeline(conversationId))).toEqual(sent);
  });

  it('replays what an agent missed while offline, from the last seq it saw', async () => {
    const visitor = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    const agent = track(await ready(agentClient(env.relay.url, env.agent.token)));
    const colleague = track(await ready(agentClient(env.relay.url, env.admin.token)));
    const { id: conversationId } = await startConversation(visitor);
    visitor.send(conversationId, 'first');
    await agent.follow(conversationId);
    await eventually(() => expect(agent.lastSeq(conversationId)).toBe(1));

    agent.socket.disconnect();
    await colleague.follow(conversationId);
    colleague.send(conversationId, 'colleague answered');
    visitor.send(conversationId, 'thanks!');
    await eventually(() => expect(visitor.timeline(conversationId)).toHaveLength(3));
    expect(agent.timeline(conversationId)).toHaveLength(1);

    agent.socket.connect();
    const stored = bodies(await env.relay.services.conversations.timeline(conversationId));
    expect([...stored].sort()).toEqual(['colleague answered', 'first', 'thanks!']);
    await eventually(() => expect(bodies(agent.timeline(conversationId))).toEqual(stored));
    expect(agent.lastSeq(conversationId)).toBe(3);
  });

  it('replays for an agent following more conversations than one sync may name', async () => {
    const visitor = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    const agent = track(await ready(agentClient(env.relay.url, env.admin.token)));
    const ids: string[] = [];
    for (let i = 0; i < 250; i++) ids.push((await startConversation(visitor)).id);
    await agent.follow(...ids);
    agent.socket.disconnect();
    const last = ids[ids.length - 1]!;
    visitor.send(last, 'in conversation 250');
    await eventually(() => expect(visitor.pending()).toHaveLength(0));
    agent.socket.connect();
    await eventually(() => expect(bodies(agent.timeline(last))).toEqual(['in conversation 250']));
  });

  it('replays a conversation longer than one sync page to a fresh tab of the same visitor', async () => {
    const store = memoryStore();
    const tab1 = track(await ready(visitorClient(env.relay.url, env.site.publicKey, { store })));
    const { id: conversationId } = await startConversation(tab1);
    const total = SYNC_PAGE_SIZE + 20;
    for (let i = 0; i < total; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, total - i) }, (_, k) =>
          env.relay.services.conversations.append(
            { kind: 'system' },
            { conversationId, clientMsgId: newClientId(), body: `line ${i + k}` },
          ),
        ),
      );
    }
    // A new tab knows nothing of the conversation: it learns of it from the relay, page by page.
    const tab2 = track(await ready(visitorClient(env.relay.url, env.site.publicKey, { store })));
    await eventually(() => expect(tab2.timeline(conversationId)).toHaveLength(total));
    expect(tab2.lastSeq(conversationId)).toBe(total);
  });

  it('keeps a conversation across reconnects with the stored token, and shows it in a second tab', async () => {
    const store = (await import('@parley/client')).memoryStore();
    const tab1 = track(await ready(visitorClient(env.relay.url, env.site.publicKey, { store })));
    const { id: conversationId } = await startConversation(tab1);
    tab1.send(conversationId, 'from tab 1');
    await eventually(() => expect(tab1.pending()).toHaveLength(0));
    const tab2 = track(await ready(visitorClient(env.relay.url, env.site.publicKey, { store })));
    expect(tab2.session?.visitorId).toBe(tab1.session?.visitorId);
    expect(bodies(tab2.timeline(conversationId))).toEqual(['from tab 1']);
    tab2.send(conversationId, 'from tab 2');
    await eventually(() =>
      expect(bodies(tab1.timeline(conversationId))).toEqual(['from tab 1', 'from tab 2']),
    );
  });
});

describe('agent-only entries', () => {
  it('never sends notes or internal events to the visitor, live or on replay', async () => {
    const visitor = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    const agent = track(await ready(agentClient(env.relay.url, env.agent.token)));
    const { id: conversationId } = await startConversation(visitor);
    await agent.follow(conversationId);
    visitor.send(conversationId, 'hello');
    await eventually(() => expect(agent.lastSeq(conversationId)).toBe(1));
    const actor = {
      kind: 'agent' as const,
      agentId: env.agent.agent.id,
      name: 'Ana Agent',
      siteIds: [env.site.id],
    };
    const note = await env.relay.services.conversations.append(actor, {
      conversationId,
      clientMsgId: newClientId(),
      body: 'VIP customer, be nice',
      type: 'note',
      visibility: 'agents',
    });
    expect(note.ok).toBe(true);
    agent.send(conversationId, 'Hi there!');
    await eventually(() =>
      expect(bodies(agent.timeline(conversationId))).toEqual(['hello', 'VIP customer, be nice', 'Hi there!']),
    );
    await eventually(() => expect(bodies(visitor.timeline(conversationId))).toEqual(['hello', 'Hi there!']));
    const replay = await visitor.socket.emitWithAck('sync', {
      conversations: [{ conversationId, afterSeq: 0 }],
    });
    expect(replay.ok && bodies(replay.messages)).toEqual(['hello', 'Hi there!']);
    // The visitor never holds seq 2; a full sync tells its client that nothing below 3 is missing.
    await visitor.resync();
    expect(visitor.lastSeq(conversationId)).toBe(3);
  });
});

describe('typing and read receipts', () => {
  it('relays typing both ways and marks messages seen', async () => {
    const visitor = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    const agent = track(await ready(agentClient(env.relay.url, env.agent.token)));
    const { id: conversationId } = await startConversation(visitor);
    await agent.follow(conversationId);
    const agentSawTyping = new Promise((resolve) => agent.on('typing', resolve));
    const visitorSawTyping = new Promise((resolve) => visitor.on('typing', resolve));
    visitor.setTyping(conversationId, true);
    agent.setTyping(conversationId, true);
    expect(await agentSawTyping).toMatchObject({ conversationId, typing: true, author: { kind: 'visitor' } });
    expect(await visitorSawTyping).toMatchObject({
      conversationId,
      typing: true,
      author: { kind: 'agent', name: 'Ana Agent' },
    });

    visitor.send(conversationId, 'seen yet?');
    await eventually(() => expect(agent.lastSeq(conversationId)).toBe(1));
    expect(visitor.timeline(conversationId)[0]?.status).toBe('sent');
    await agent.markSeen(conversationId);
    await eventually(() => expect(visitor.timeline(conversationId)[0]?.status).toBe('seen'));

    const beyond = await agent.socket.emitWithAck('seen', { conversationId, seq: 99 });
    expect(beyond).toMatchObject({ ok: false, code: 'bad_request' });
  });
});

describe('who may see what', () => {
  it("refuses a visitor access to another visitor's conversation", async () => {
    const alice = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    const mallory = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    const { id: conversationId } = await startConversation(alice);
    alice.send(conversationId, 'my address is 1 Secret St');
    await eventually(() => expect(alice.pending()).toHaveLength(0));

    // Typing from a visitor goes to the site's agents, so that is where Mallory's would show.
    const agent = track(await ready(agentClient(env.relay.url, env.agent.token)));
    const typingSeen = vi.fn();
    agent.on('typing', typingSeen);
    const send = await mallory.socket.emitWithAck('message:send', {
      conversationId,
      clientMsgId: newClientId(),
      body: 'hi',
    });
    expect(send).toMatchObject({ ok: false, code: 'not_found' });
    const sync = await mallory.socket.emitWithAck('sync', {
      conversations: [{ conversationId, afterSeq: 0 }],
    });
    expect(sync.ok && sync.messages).toEqual([]);
    expect(sync.ok && sync.conversations.map((c) => c.id)).not.toContain(conversationId);
    const seen = await mallory.socket.emitWithAck('seen', { conversationId, seq: 1 });
    expect(seen).toMatchObject({ ok: false, code: 'not_found' });
    mallory.socket.emit('typing', { conversationId, typing: true });
    // Alice's own typing, sent after Mallory's, does arrive: by then Mallory's would have too.
    alice.setTyping(conversationId, true);
    await eventually(() => expect(typingSeen).toHaveBeenCalled());
    expect(typingSeen.mock.calls).toEqual([
      [{ conversationId, typing: true, author: { kind: 'visitor', id: alice.session?.visitorId } }],
    ]);
    expect(await env.relay.services.conversations.timeline(conversationId)).toHaveLength(1);
  });

  it('keeps an agent out of sites it has no access to', async () => {
    const visitor = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    const outsider = track(await ready(agentClient(env.relay.url, env.outsider.token)));
    const heard = vi.fn();
    outsider.on('message', heard);
    outsider.on('conversation', heard);
    const { id: conversationId } = await startConversation(visitor);
    visitor.send(conversationId, 'private to Test Shop');
    await eventually(() => expect(visitor.pending()).toHaveLength(0));
    const sync = await outsider.socket.emitWithAck('sync', {
      conversations: [{ conversationId, afterSeq: 0 }],
    });
    expect(sync).toMatchObject({ ok: true, conversations: [], messages: [] });
    const send = await outsider.socket.emitWithAck('message:send', {
      conversationId,
      clientMsgId: newClientId(),
      body: 'x',
    });
    expect(send).toMatchObject({ ok: false, code: 'not_found' });
    expect(heard).not.toHaveBeenCalled();
  });

  it('refuses handshakes from foreign origins, unknown keys, forged identities and visitor tokens on the agent side', async () => {
    const key = env.site.publicKey;
    const url = env.relay.url;
    const cases = [
      rawSocket(url, '/visitor', { auth: { siteKey: key }, siteKey: key, origin: 'http://evil.test' }),
      rawSocket(url, '/visitor', { auth: { siteKey: key }, siteKey: key }),
      rawSocket(url, '/visitor', {
        auth: { siteKey: key },
        siteKey: env.otherSite.publicKey,
        origin: 'http://other.test',
      }),
    ];
    for (const socket of cases) {
      // Refused at the engine (allowRequest) or by the namespace: either way, no connection.
      expect((await outcome(socket)).connected).toBe(false);
      socket.close();
    }
    const unknown = rawSocket(url, '/visitor', {
      auth: { siteKey: 'nosuchsite1' },
      siteKey: 'nosuchsite1',
      origin: SHOP_ORIGIN,
    });
    expect(await outcome(unknown)).toMatchObject({ connected: false });
    unknown.close();

    const forged = rawSocket(url, '/visitor', {
      auth: { siteKey: key, identity: { userId: 'user-1', hash: 'a'.repeat(64) } },
      siteKey: key,
      origin: SHOP_ORIGIN,
    });
    expect(await outcome(forged)).toMatchObject({
      connected: false,
      code: 'unauthorized',
      message: 'identity verification failed',
    });
    forged.close();

    const genuine = rawSocket(url, '/visitor', {
      auth: {
        siteKey: key,
        identity: { userId: 'user-1', hash: identityHash(env.site.identitySecret, 'user-1') },
      },
      siteKey: key,
      origin: SHOP_ORIGIN,
    });
    expect(await outcome(genuine)).toEqual({ connected: true });
    genuine.close();

    const visitor = track(await ready(visitorClient(url, key)));
    const asAgent = rawSocket(url, '/agent', { auth: { token: visitor.session!.token } });
    expect(await outcome(asAgent)).toMatchObject({ connected: false, code: 'unauthorized' });
    asAgent.close();
    const fromShop = rawSocket(url, '/agent', { auth: { token: env.agent.token }, origin: SHOP_ORIGIN });
    expect((await outcome(fromShop)).connected).toBe(false);
    fromShop.close();
  });

  it('gives a forged visitor token a fresh, empty identity', async () => {
    const alice = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    await startConversation(alice);
    const forged = rawSocket(env.relay.url, '/visitor', {
      auth: { siteKey: env.site.publicKey, token: 'x'.repeat(32) },
      siteKey: env.site.publicKey,
      origin: SHOP_ORIGIN,
    });
    const session = new Promise<{ visitorId: string; token: string }>((resolve) =>
      forged.once('session', resolve),
    );
    expect(await outcome(forged)).toEqual({ connected: true });
    const { visitorId, token } = await session;
    expect(visitorId).not.toBe(alice.session?.visitorId);
    expect(token).not.toBe('x'.repeat(32));
    const sync = await forged.emitWithAck('sync', { conversations: [] });
    expect(sync).toMatchObject({ ok: true, conversations: [], messages: [] });
    forged.close();
  });
});

describe('bad input', () => {
  const malformed: unknown[] = [
    undefined,
    null,
    42,
    'text',
    [],
    {},
    { conversationId: 'not-an-id', clientMsgId: 'abcdefgh', body: 'x' },
    { conversationId: '0'.repeat(24), clientMsgId: 'short', body: 'x' },
    { conversationId: '0'.repeat(24), clientMsgId: 'abcdefgh', body: '   ' },
    { conversationId: '0'.repeat(24), clientMsgId: 'abcdefgh', body: 12 },
    { conversationId: { $gt: '' }, clientMsgId: 'abcdefgh', body: 'x' },
    { conversationId: '0'.repeat(24), clientMsgId: 'abcdefgh', body: 'x', extra: true },
    { conversations: 'all' },
    { conversations: [{ conversationId: { $ne: null }, afterSeq: 0 }] },
    { conversationId: '0'.repeat(24), seq: -1 },
    { conversationId: '0'.repeat(24), seq: 1.5 },
    { startKey: '../../etc' },
    { startKey: { $gt: '' } },
  ];

  it('acks every malformed payload on every event with a clear error and stays up', async () => {
    const visitor = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    const agent = track(await ready(agentClient(env.relay.url, env.agent.token)));
    const { id: conversationId } = await startConversation(visitor);
    for (const [client, events] of [
      [visitor, ['conversation:start', 'message:send', 'sync', 'seen']],
      [agent, ['message:send', 'sync', 'seen']],
    ] as const) {
      for (const event of events) {
        for (const payload of malformed) {
          const valid =
            event === 'sync' && (payload as { conversations?: unknown })?.conversations === undefined
              ? false
              : null;
          const result = await (
            client.socket.timeout(5000).emitWithAck as (
              e: string,
              p: unknown,
            ) => Promise<{ ok: boolean; code?: string; message?: string }>
          )(event, payload);
          if (result.ok) throw new Error(`${event} accepted ${JSON.stringify(payload)} (${valid})`);
          expect(['bad_request', 'not_found']).toContain(result.code);
          expect(result.message).toBeTruthy();
        }
      }
      // Events without an ack function, and typing with junk, are dropped quietly.
      const emit = client.socket.emit.bind(client.socket) as (event: string, ...args: unknown[]) => void;
      emit('message:send', { conversationId, clientMsgId: newClientId(), body: 'no ack' });
      emit('typing', { $where: 'sleep(1000)' });
      emit('typing');
      emit('no-such-event', 1, 2, 3);
    }
    const tooLong = await visitor.socket.emitWithAck('message:send', {
      conversationId,
      clientMsgId: newClientId(),
      body: 'x'.repeat(MAX_MESSAGE_LENGTH + 1),
    });
    expect(tooLong).toMatchObject({ ok: false, code: 'too_large' });
    const longest = await visitor.socket.emitWithAck('message:send', {
      conversationId,
      clientMsgId: newClientId(),
      body: 'y'.repeat(MAX_MESSAGE_LENGTH),
    });
    expect(longest.ok).toBe(true);
    expect(() => visitor.send(conversationId, 'z'.repeat(MAX_MESSAGE_LENGTH + 1))).toThrow(/limited/);
  });

  it('drops a socket that sends an oversized packet and serves everyone else', async () => {
    const victim = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    const bystander = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    const { id: conversationId } = await startConversation(bystander);
    const disconnected = new Promise((resolve) => victim.socket.once('disconnect', resolve));
    const emit = victim.socket.emit.bind(victim.socket) as (event: string, ...args: unknown[]) => void;
    emit('message:send', {
      conversationId,
      clientMsgId: newClientId(),
      body: 'x'.repeat(MAX_PACKET_BYTES + 10),
    });
    await disconnected;
    bystander.send(conversationId, 'still here');
    await eventually(() => expect(bystander.pending()).toHaveLength(0));
    const health = await fetch(`${env.relay.url}/health`);
    expect(health.status).toBe(200);
  });

  it('slows a flooding socket with rate_limited and leaves others alone', async () => {
    const flooder = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    const calm = track(await ready(visitorClient(env.relay.url, env.site.publicKey)));
    const { id: floodId } = await startConversation(flooder);
    const { id: calmId } = await startConversation(calm);
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        flooder.socket.emitWithAck('message:send', {
          conversationId: floodId,
          clientMsgId: newClientId(),
          body: `flood ${i}`,
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const limited = results.filter((r) => !r.ok && r.code === 'rate_limited');
    const accepted = results.filter((r) => r.ok);
    // The socket's burst (100 here), plus what its rate (50 a second) refilled while the flood lasted.
    expect(accepted.length + limited.length).toBe(200);
    expect(accepted.length).toBeGreaterThanOrEqual(100);
    expect(accepted.length).toBeLessThanOrEqual(100 + Math.ceil(50 * seconds));
    expect(limited[0]).toMatchObject({ message: expect.stringContaining('at most 50 messages a second') });
    // What was accepted is stored, and nothing else.
    expect(await env.relay.services.conversations.timeline(floodId)).toHaveLength(accepted.length);
    const calmResult = await calm.socket.emitWithAck('message:send', {
      conversationId: calmId,
      clientMsgId: newClientId(),
      body: 'hello',
    });
    expect(calmResult.ok).toBe(true);
  });
});

describe('the per-site cap', () => {
  let capped: Awaited<ReturnType<typeof startTestRelay>>;
  const mine: { close(): void }[] = [];
  beforeAll(async () => {
    // Sockets may send freely; the site as a whole gets 5 a second (a burst of 10).
    capped = await startTestRelay({ socketRatePerSec: 1000, socketBurst: 1000, siteRatePerSec: 5 });
  });
  afterAll(async () => {
    for (const c of mine) c.close();
    await capped.relay.close();
  });

  it("refuses a flooded site's messages and offline forms, and leaves other sites alone", async () => {
    const flooders = await Promise.all(
      [0, 1].map(async () => {
        const client = await ready(visitorClient(capped.relay.url, capped.site.publicKey));
        mine.push(client);
        return { client, conversation: await startConversation(client) };
      }),
    );
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const { client, conversation } = flooders[i % 2]!;
        return client.socket.emitWithAck('message:send', {
          conversationId: conversation.id,
          clientMsgId: newClientId(),
          body: `flood ${i}`,
        });
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const refused = results.filter((r) => !r.ok);
    // The site's burst (10), plus what its rate (5 a second) refilled, across both sockets.
    const accepted = results.length - refused.length;
    expect(accepted).toBeGreaterThanOrEqual(10);
    expect(accepted).toBeLessThanOrEqual(10 + Math.ceil(5 * seconds));
    expect(
      refused.every((r) => r.code === 'rate_limited' && /this site is receiving too many/.test(r.message)),
    ).toBe(true);
    // The offline form writes to the timeline too, so it counts against the same site.
    const late = await ready(visitorClient(capped.relay.url, capped.site.publicKey));
    mine.push(late);
    expect(
      await late.socket.emitWithAck('offline:submit', {
        startKey: newClientId(),
        clientMsgId: newClientId(),
        name: 'Ion',
        email: 'ion@example.test',
        body: 'Do you ship to Iasi?',
      }),
    ).toMatchObject({ ok: false, code: 'rate_limited' });
    // Another site's visitor is not held back.
    const other = await ready(
      visitorClient(capped.relay.url, capped.otherSite.publicKey, {
        extraHeaders: { origin: 'http://other.test' },
      }),
    );
    mine.push(other);
    const { id } = await startConversation(other);
    expect(
      await other.socket.emitWithAck('message:send', {
        conversationId: id,
        clientMsgId: newClientId(),
        body: 'hi',
      }),
    ).toMatchObject({ ok: true });
  });
});
