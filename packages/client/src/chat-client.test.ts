// ChatClient against a small in-process relay on port 0 that acks as the real one does: the
// outbox after a dropped connection, back-off with the same client id, paged sync, and the
// first message of a new conversation.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  Conversation,
  Failure,
  Message,
  SendMessagePayload,
  SyncPayload,
  VisitorClientToServerEvents,
  VisitorServerToClientEvents,
} from '@parley/protocol';
import { VISITOR_NAMESPACE } from '@parley/protocol';
import { Server } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectVisitor, type VisitorChatClient } from './connect';

/** Messages one sync answer carries per conversation: small, so paging shows with a few. */
const PAGE = 2;

interface Relay {
  url: string;
  /** Every acked event the relay heard, in order, with its payload. */
  heard: { event: string; payload: unknown; at: number }[];
  /** Answers to give the next message:send calls instead of storing them. */
  sendFailures: Failure[];
  /** Stores a message as another party would (an agent's reply). */
  store(conversationId: string, body: string): Message;
  conversation(id: string): Conversation;
  close(): Promise<void>;
}

async function startRelay(): Promise<Relay> {
  const http: HttpServer = createServer();
  const io = new Server<VisitorClientToServerEvents, VisitorServerToClientEvents>(http);
  const heard: Relay['heard'] = [];
  const sendFailures: Failure[] = [];
  const conversations = new Map<string, Conversation>();
  const timelines = new Map<string, Message[]>();
  const byStartKey = new Map<string, string>();

  const conversation = (id: string): Conversation => {
    let found = conversations.get(id);
    if (!found) {
      found = {
        id,
        siteId: 's1',
        visitorId: 'v1',
        status: 'open',
        channel: 'chat',
        assigneeId: null,
        priority: 'none',
        tags: [],
        seq: 0,
        visitorSeenSeq: 0,
        agentSeenSeq: 0,
        createdAt: new Date(0).toISOString(),
        lastMessageAt: null,
        firstResponseAt: null,
        resolvedAt: null,
      };
      conversations.set(id, found);
      timelines.set(id, []);
    }
    return found;
  };
  let made = 0;
  const store = (conversationId: string, body: string, clientMsgId = `server-${++made}`) => {
    const held = conversation(conversationId);
    const timeline = timelines.get(conversationId) ?? [];
    const copy = timeline.find((m) => m.clientMsgId === clientMsgId);
    if (copy) return copy;
    held.seq++;
    const message: Message = {
      id: `m${conversationId}-${held.seq}`,
      conversationId,
      seq: held.seq,
      clientMsgId,
      type: 'message',
      visibility: 'all',
      author: { kind: 'agent', id: 'a1' },
      body,
      channel: 'chat',
      createdAt: new Date().toISOString(),
    };
    timeline.push(message);
    return message;
  };

  io.of(VISITOR_NAMESPACE).on('connection', (socket) => {
    const note = (event: string, payload: unknown) => heard.push({ event, payload, at: Date.now() });
    socket.emit('session', { visitorId: 'v1', token: 'token-1' });
    socket.on('conversation:start', (payload, ack) => {
      note('conversation:start', payload);
      let id = byStartKey.get(payload.startKey);
      if (!id) {
        id = `c${byStartKey.size + 1}`;
        byStartKey.set(payload.startKey, id);
      }
      ack({ ok: true, conversation: conversation(id) });
    });
    socket.on('message:send', (payload: SendMessagePayload, ack) => {
      note('message:send', payload);
      const failure = sendFailures.shift();
      if (failure) return ack(failure);
      ack({ ok: true, message: store(payload.conversationId, payload.body, payload.clientMsgId) });
    });
    socket.on('sync', (payload: SyncPayload, ack) => {
      note('sync', payload);
      const messages: Message[] = [];
      const more: string[] = [];
      for (const { conversationId, afterSeq } of payload.conversations) {
        const after = (timelines.get(conversationId) ?? []).filter((m) => m.seq > afterSeq);
        messages.push(...after.slice(0, PAGE));
        if (after.length > PAGE) more.push(conversationId);
      }
      ack({
        ok: true,
        conversations: payload.conversations.map((c) => conversation(c.conversationId)),
        messages,
        more,
      });
    });
    socket.on('seen', (payload, ack) => {
      note('seen', payload);
      ack({ ok: true });
    });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    heard,
    sendFailures,
    store,
    conversation,
    close: async () => {
      io.close();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

const eventually = (check: () => void) => vi.waitFor(check, { timeout: 5000, interval: 10 });

let relay: Relay;
let client: VisitorChatClient;

beforeEach(async () => {
  relay = await startRelay();
  client = connectVisitor({ url: relay.url, siteKey: 'site-key' });
  await eventually(() => expect(client.socket.connected).toBe(true));
});

afterEach(async () => {
  client.close();
  await relay.close();
});

const sends = () => relay.heard.filter((h) => h.event === 'message:send');

describe('ChatClient', () => {
  it('starts the conversation, then sends the first message into it', async () => {
    const id = client.send({ startKey: 'start-1' }, '  Where is my order?  ');
    expect(client.timeline(null, 'start-1')).toMatchObject([{ status: 'sending', clientMsgId: id }]);

    await eventually(() => expect(client.pending()).toEqual([]));
    const asked = relay.heard.filter((h) => h.event !== 'sync').map((h) => [h.event, h.payload]);
    expect(asked).toEqual([
      ['conversation:start', { startKey: 'start-1' }],
      ['message:send', { conversationId: 'c1', clientMsgId: id, body: 'Where is my order?' }],
    ]);
    expect(client.conversations.get('c1')?.id).toBe('c1');
    expect(client.timeline('c1')).toMatchObject([{ seq: 1, clientMsgId: id, status: 'sent' }]);
  });

  it('keeps what was sent while the connection was down and delivers it once it is back', async () => {
    await client.start('start-1');
    client.socket.io.engine.close();
    await eventually(() => expect(client.socket.connected).toBe(false));

    const id = client.send('c1', 'sent while offline');
    expect(client.pending()).toMatchObject([{ clientMsgId: id, status: 'sending' }]);
    expect(sends()).toEqual([]);

    await eventually(() => expect(client.pending()).toEqual([]));
    expect(sends().map((h) => h.payload)).toEqual([
      { conversationId: 'c1', clientMsgId: id, body: 'sent while offline' },
    ]);
    expect(client.timeline('c1').map((e) => e.status === 'sent' && e.body)).toEqual(['sent while offline']);
  });

  it('retries a refused send with the same client id, waiting longer each time', async () => {
    await client.start('start-1');
    const busy: Failure = { ok: false, code: 'unavailable', message: 'try later' };
    relay.sendFailures.push(busy, busy);

    const id = client.send('c1', 'hello');
    await eventually(() => expect(client.pending()).toEqual([]));

    const tries = sends();
    expect(tries.map((t) => (t.payload as SendMessagePayload).clientMsgId)).toEqual([id, id, id]);
    // Only the first try is surely new to the relay; the others ask it for a stored copy.
    expect(tries.map((t) => (t.payload as SendMessagePayload).retry)).toEqual([undefined, true, true]);
    const [first, second, third] = tries.map((t) => t.at) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(450);
    expect(third - second).toBeGreaterThanOrEqual(950);
    expect(client.timeline('c1')).toMatchObject([{ seq: 1, clientMsgId: id }]);
  });

  it('marks a send the relay refuses for good as failed, and sends it again on retry', async () => {
    await client.start('start-1');
    relay.sendFailures.push({ ok: false, code: 'too_large', message: 'too long' });

    const id = client.send('c1', 'hello');
    await eventually(() =>
      expect(client.pending()).toMatchObject([
        { clientMsgId: id, status: 'failed', error: { code: 'too_large' } },
      ]),
    );
    client.retry(id);
    await eventually(() => expect(client.pending()).toEqual([]));
    expect(sends().map((t) => (t.payload as SendMessagePayload).clientMsgId)).toEqual([id, id]);
  });

  it('replays a long gap page by page, each page asked for after what the last one brought', async () => {
    for (let i = 1; i <= 5; i++) relay.store('c7', `reply ${i}`);
    relay.heard.length = 0;

    await client.follow('c7');

    // The client's own sync on connect (of no conversations) may land late on a busy machine.
    const syncs = relay.heard
      .filter((h) => h.event === 'sync')
      .map((h) => h.payload as SyncPayload)
      .filter((p) => p.conversations.length > 0);
    expect(syncs).toEqual([
      { conversations: [{ conversationId: 'c7', afterSeq: 0 }] },
      { conversations: [{ conversationId: 'c7', afterSeq: 2 }] },
      { conversations: [{ conversationId: 'c7', afterSeq: 4 }] },
    ]);
    expect(client.lastSeq('c7')).toBe(5);
    expect(client.timeline('c7').map((e) => e.body)).toEqual([
      'reply 1',
      'reply 2',
      'reply 3',
      'reply 4',
      'reply 5',
    ]);
  });

  it('catches up after a reconnect from the last seq it holds', async () => {
    relay.store('c7', 'before the drop');
    await client.follow('c7');
    client.socket.io.engine.close();
    await eventually(() => expect(client.socket.connected).toBe(false));
    relay.store('c7', 'while away');
    relay.heard.length = 0;

    await eventually(() => expect(client.lastSeq('c7')).toBe(2));
    expect(relay.heard.find((h) => h.event === 'sync')?.payload).toEqual({
      conversations: [{ conversationId: 'c7', afterSeq: 1 }],
    });
    expect(client.timeline('c7').map((e) => e.body)).toEqual(['before the drop', 'while away']);
  });
});
