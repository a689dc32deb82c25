// Every socket event has a rate limit, a handshake stores nothing, one client address holds a
// bounded number of sockets, and one abusive client cannot spend a site's budget for everyone.
// The events are read from the server's own sockets and compared with the protocol's lists, so an
// event registered without a limit, or added to the protocol and not here, fails this file.
import { AGENT_EVENTS, AGENT_NAMESPACE, VISITOR_EVENTS, VISITOR_NAMESPACE } from '@parley/protocol';
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SHOP_ORIGIN, startTestRelay } from '../testing';
import { outcome, rawSocket } from '../testing/clients';

/** Events Socket.IO itself fires on a server socket; no client sends them. */
const RESERVED = new Set(['disconnect', 'disconnecting', 'error', 'newListener', 'removeListener']);
const FLOOD = 150;

let env: Awaited<ReturnType<typeof startTestRelay>>;
const open: ClientSocket[] = [];
let nextAddress = 1;
/** A client address no other test in this file uses. */
const freshAddress = () => `127.0.${Math.floor(nextAddress / 250) + 1}.${(nextAddress++ % 250) + 1}`;

beforeAll(async () => {
  env = await startTestRelay({
    // A client address may send 20 a second (2 sockets' worth), a fifth of what the site may take.
    socketRatePerSec: 10,
    socketBurst: 20,
    eventRatePerSec: 5,
    siteRatePerSec: 100,
    startsPerMinute: 10,
    socketsPerAddress: 5,
  });
});
afterAll(async () => {
  for (const socket of open) socket.close();
  await env.relay.close();
});

async function visitorSocket(address = freshAddress(), token?: string): Promise<ClientSocket> {
  const socket = rawSocket(env.relay.url, VISITOR_NAMESPACE, {
    auth: { siteKey: env.site.publicKey, ...(token ? { token } : {}) },
    siteKey: env.site.publicKey,
    origin: SHOP_ORIGIN,
    localAddress: address,
  });
  open.push(socket);
  expect(await outcome(socket)).toEqual({ connected: true });
  return socket;
}

async function agentSocket(): Promise<ClientSocket> {
  const socket = rawSocket(env.relay.url, AGENT_NAMESPACE, { auth: { token: env.admin.token } });
  open.push(socket);
  expect(await outcome(socket)).toEqual({ connected: true });
  return socket;
}

/** The events the server listens to on its side of a client's socket. */
function registered(namespace: string, client: ClientSocket): string[] {
  const server = env.relay.io.of(namespace).sockets.get(client.id ?? '');
  if (!server) throw new Error('no server socket');
  return server
    .eventNames()
    .map(String)
    .filter((name) => !RESERVED.has(name))
    .sort();
}

async function startConversation(socket: ClientSocket): Promise<string> {
  const result = await socket.emitWithAck('conversation:start', {
    startKey: `start-${Date.now()}-${nextAddress}`,
  });
  if (!result.ok) throw new Error(result.message);
  return result.conversation.id;
}

/** Sends an event many times at once and answers the codes of the acks. */
async function flood(socket: ClientSocket, event: string): Promise<string[]> {
  const acks = await Promise.all(
    Array.from({ length: FLOOD }, () => socket.timeout(10_000).emitWithAck(event, {})),
  );
  return acks.map((ack: { ok: boolean; code?: string }) => (ack.ok ? 'ok' : (ack.code ?? '?')));
}

/** Typing has no ack: how many of a flood of typing hints reach the other side. */
async function typingThrough(from: ClientSocket, to: ClientSocket, conversationId: string): Promise<number> {
  let received = 0;
  to.on('typing', () => {
    received++;
  });
  for (let i = 0; i < FLOOD; i++) from.emit('typing', { conversationId, typing: i % 2 === 0 });
  // Let every hint that was let through arrive (the ack of a later event follows them).
  await from.emitWithAck('sync', { conversations: [] });
  await new Promise((resolve) => setTimeout(resolve, 300));
  to.off('typing');
  return received;
}

describe('every socket event has a rate limit', () => {
  it('registers exactly the events the protocol lists, on both namespaces', async () => {
    expect(registered(VISITOR_NAMESPACE, await visitorSocket())).toEqual([...VISITOR_EVENTS].sort());
    expect(registered(AGENT_NAMESPACE, await agentSocket())).toEqual([...AGENT_EVENTS].sort());
  });

  for (const event of VISITOR_EVENTS.filter((e) => e !== 'typing')) {
    it(`refuses a visitor flooding ${event} with rate_limited`, async () => {
      const codes = await flood(await visitorSocket(), event);
      expect(codes).toContain('rate_limited');
      expect(codes.filter((code) => code !== 'rate_limited').length).toBeLessThan(40);
    });
  }

  for (const event of AGENT_EVENTS.filter((e) => e !== 'typing')) {
    it(`refuses an agent flooding ${event} with rate_limited`, async () => {
      const codes = await flood(await agentSocket(), event);
      expect(codes).toContain('rate_limited');
      expect(codes.filter((code) => code !== 'rate_limited').length).toBeLessThan(40);
    });
  }

  it('drops typing hints past the limit, both ways', async () => {
    const visitor = await visitorSocket();
    const agent = await agentSocket();
    const conversationId = await startConversation(visitor);
    const toAgent = await typingThrough(visitor, agent, conversationId);
    expect(toAgent).toBeGreaterThan(0);
    expect(toAgent).toBeLessThan(40);
    const toVisitor = await typingThrough(await agentSocket(), visitor, conversationId);
    expect(toVisitor).toBeGreaterThan(0);
    expect(toVisitor).toBeLessThan(40);
  });
});

describe('visitor records', () => {
  const visitorCount = () => env.relay.connection.collection('visitors').countDocuments();

  it('are not stored for a handshake, only on first real use, under the same id', async () => {
    const before = await visitorCount();
    const sessions = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const socket = rawSocket(env.relay.url, VISITOR_NAMESPACE, {
          auth: { siteKey: env.site.publicKey },
          siteKey: env.site.publicKey,
          origin: SHOP_ORIGIN,
          localAddress: `127.0.200.${(i % 8) + 1}`,
        });
        open.push(socket);
        const session = new Promise<{ visitorId: string; token: string }>((resolve) =>
          socket.once('session', resolve),
        );
        expect(await outcome(socket)).toEqual({ connected: true });
        const got = await session;
        socket.close();
        return got;
      }),
    );
    expect(await visitorCount()).toBe(before);

    // The token names the same visitor on the next connection, stored or not.
    const first = sessions[0]!;
    const again = rawSocket(env.relay.url, VISITOR_NAMESPACE, {
      auth: { siteKey: env.site.publicKey, token: first.token },
      siteKey: env.site.publicKey,
      origin: SHOP_ORIGIN,
      localAddress: freshAddress(),
    });
    open.push(again);
    const session = new Promise<{ visitorId: string }>((resolve) => again.once('session', resolve));
    expect(await outcome(again)).toEqual({ connected: true });
    expect((await session).visitorId).toBe(first.visitorId);
    expect(await again.emitWithAck('visitor:context', { url: 'https://shop.test/cart' })).toEqual({
      ok: true,
    });
    expect(await visitorCount()).toBe(before + 1);
    expect((await env.relay.services.visitors.details(first.visitorId))?.context.url).toBe(
      'https://shop.test/cart',
    );
  });

  it('refuse a token that was neither stored nor minted for this site', async () => {
    const { token, visitor } = env.relay.services.visitors.newUnstored(env.otherSite.id);
    const socket = rawSocket(env.relay.url, VISITOR_NAMESPACE, {
      auth: { siteKey: env.site.publicKey, token },
      siteKey: env.site.publicKey,
      origin: SHOP_ORIGIN,
      localAddress: freshAddress(),
    });
    open.push(socket);
    const session = new Promise<{ visitorId: string }>((resolve) => socket.once('session', resolve));
    expect(await outcome(socket)).toEqual({ connected: true });
    expect((await session).visitorId).not.toBe(visitor.id);
  });
});

describe('sockets per client address', () => {
  it('caps one address and leaves others alone; a closed socket frees its slot', async () => {
    const address = freshAddress();
    const held = [];
    for (let i = 0; i < 5; i++) held.push(await visitorSocket(address));
    const extra = rawSocket(env.relay.url, VISITOR_NAMESPACE, {
      auth: { siteKey: env.site.publicKey },
      siteKey: env.site.publicKey,
      origin: SHOP_ORIGIN,
      localAddress: address,
    });
    open.push(extra);
    expect(await outcome(extra)).toMatchObject({ connected: false, code: 'rate_limited' });
    await visitorSocket(freshAddress());
    held[0]!.close();
    await vi.waitFor(async () => visitorSocket(address), { timeout: 5_000, interval: 100 });
  });
});

describe("a site's budget", () => {
  it('is not used up by one client: another visitor of the site keeps sending', async () => {
    const visitor = await visitorSocket();
    const conversationId = await startConversation(visitor);
    // The hostile client opens all the sockets it can and floods sends from each for a second.
    const hostile = freshAddress();
    const sockets: ClientSocket[] = [];
    for (let i = 0; i < 30; i++) {
      const socket = rawSocket(env.relay.url, VISITOR_NAMESPACE, {
        auth: { siteKey: env.site.publicKey },
        siteKey: env.site.publicKey,
        origin: SHOP_ORIGIN,
        localAddress: hostile,
      });
      open.push(socket);
      if ((await outcome(socket)).connected) sockets.push(socket);
    }
    let flooding = true;
    const floods = sockets.map(async (socket) => {
      // Until the relay drops it for flooding (security/flood-drop.test.ts): then its acks never come.
      while (flooding && socket.connected) {
        await Promise.all(
          Array.from({ length: 20 }, () =>
            socket
              .timeout(2_000)
              .emitWithAck('message:send', {})
              .catch(() => null),
          ),
        );
      }
    });
    const answers = [];
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      answers.push(
        await visitor.emitWithAck('message:send', {
          conversationId,
          clientMsgId: `fair-${i}-${Date.now()}`,
          body: `still here ${i}`,
        }),
      );
    }
    flooding = false;
    await Promise.all(floods);
    expect(answers.map((a: { ok: boolean; code?: string }) => a.code ?? 'ok')).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
    ]);
  });
});
