// The inbox announcements against a real relay and store: one `inbox` event per change, with the
// row GET /api/inbox answers, numbered without gaps and saying where the row stood; the database
// reads a visitor message causes are the same with 1 agent online as with 10 (counted by the
// driver's command monitoring); an agent of another site hears nothing.
import { newClientId } from '@parley/client';
import type { InboxChange, InboxItem } from '@parley/protocol';
import { AGENT_NAMESPACE } from '@parley/protocol';
import { inboxChangeSchema } from '@parley/protocol/schemas';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestRelay, testDatabase } from '../testing';
import { rawSocket, ready, visitorClient } from '../testing/clients';
import { relayCall } from '../testing/relay-call';

const HOUR = 3_600_000;
const READS = new Set(['find', 'aggregate', 'count', 'distinct', 'getMore']);

let env: Awaited<ReturnType<typeof startTestRelay>>;
let reads = 0;
let lastCommandAt = 0;
const closers: { close(): void }[] = [];
const eventually = (check: () => void, timeout = 15_000) => vi.waitFor(check, { timeout, interval: 10 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  const { uri } = testDatabase();
  env = await startTestRelay({
    mongodbUri: `${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true`,
    // Periodic jobs read the store on their own: none runs while reads are counted.
    snoozeTickMs: HOUR,
    emailTickMs: HOUR,
    meetingTickMs: HOUR,
    socketRatePerSec: 50,
    socketBurst: 100,
  });
  env.relay.connection.getClient().on('commandStarted', (event) => {
    lastCommandAt = Date.now();
    if (READS.has(event.commandName)) reads++;
  });
});
afterAll(async () => {
  for (const c of closers) c.close();
  await env?.relay.close();
});

/** An agent's socket, as the console holds it, with every `inbox` event it was sent. */
async function listen(token: string): Promise<{ socket: Socket; changes: InboxChange[]; messages: number }> {
  const socket = rawSocket(env.relay.url, AGENT_NAMESPACE, { auth: { token } });
  closers.push({ close: () => socket.disconnect() });
  const heard = { socket, changes: [] as InboxChange[], messages: 0 };
  socket.on('inbox', (change: InboxChange) => heard.changes.push(change));
  socket.on('message', () => heard.messages++);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return heard;
}

async function visitorConversation() {
  const visitor = await ready(visitorClient(env.relay.url, env.site.publicKey));
  closers.push(visitor);
  const started = await visitor.start(newClientId());
  if (!started.ok) throw new Error(started.message);
  return { visitor, id: started.conversation.id };
}

/** Resolves once the relay has sent the store nothing for 300 ms. */
const settled = () => eventually(() => expect(Date.now() - lastCommandAt).toBeGreaterThan(300));

const rowIn = async (token: string, id: string): Promise<InboxItem | undefined> => {
  const { body } = await relayCall<{ items: InboxItem[] }>(env.relay.url, '/api/inbox?view=open', { token });
  return body.items.find((item) => item.conversation.id === id);
};

describe('inbox announcements', () => {
  it('announces each change once, with the inbox row, the next revision and where it stood', async () => {
    const ana = await listen(env.agent.token);
    const ada = await listen(env.admin.token);
    const { visitor, id } = await visitorConversation();
    const mine = (heard: { changes: InboxChange[] }) =>
      heard.changes.filter((c) => c.item.conversation.id === id);

    // A new chat: in no view before, open and unassigned after.
    visitor.send(id, 'Mai aveți cana albastră? Zażółć gęślą jaźń.');
    await eventually(() => expect(mine(ana).at(-1)?.item.preview?.body).toContain('Zażółć'));
    await settled();
    await eventually(() => expect(mine(ada)).toHaveLength(mine(ana).length));
    const first = mine(ana).at(-1)!;
    expect(inboxChangeSchema.safeParse(first).success).toBe(true);
    expect(mine(ana)[0]!.before).toBeNull();
    expect(first.item.conversation).toMatchObject({ status: 'open', assigneeId: null });
    expect(first.item.conversation.waitingSince).toEqual(expect.any(String));
    // The row is the one the inbox route answers, revision included.
    expect(await rowIn(env.agent.token, id)).toEqual(first.item);
    expect(first.item.revision).toBe(first.revision);

    // Assigned: one more revision; it stood open and unassigned.
    const count = mine(ana).length;
    const assigned = await env.relay.services.actions.apply(env.agent.agent, id, {
      action: 'assign',
      assigneeId: env.agent.agent.id,
      from: null,
    });
    expect(assigned.ok).toBe(true);
    await eventually(() => expect(mine(ana).at(-1)?.item.conversation.assigneeId).toBe(env.agent.agent.id));
    const after = mine(ana).slice(count);
    expect(after.map((c) => c.revision)).toEqual(after.map((_, i) => first.revision + 1 + i));
    expect(after[0]!.before).toEqual({ status: 'open', assigneeId: null });
    for (const change of after) expect(inboxChangeSchema.safeParse(change).success).toBe(true);

    // Every revision of this conversation, to either agent, exactly once and in order.
    for (const heard of [ana, ada]) {
      await eventually(() => expect(mine(heard).length).toBe(mine(ana).length));
      expect(mine(heard).map((c) => c.revision)).toEqual(mine(ana).map((_, i) => i + 1));
    }
  });

  it('costs the same reads per visitor message with 1 agent online as with 10, and tells other sites nothing', async () => {
    const outsider = await listen(env.outsider.token);
    const { visitor, id } = await visitorConversation();
    const agents = [await listen(env.agent.token)];
    const heard = () =>
      agents.map((agent) => agent.changes.filter((c) => c.item.conversation.id === id).length);
    const heardOneMore = (before: number[]) =>
      eventually(() => expect(heard().map((n, i) => n - before[i]!)).toEqual(before.map(() => 1)));
    let sent = 0;
    const readsPerMessage = async (messages: number) => {
      await settled();
      const from = reads;
      for (let k = 0; k < messages; k++) {
        const before = heard();
        visitor.send(
          id,
          ['Is it in stock?', 'Czy jest dostępny?', 'Este în stoc?', 'Ce mai faceți?'][k % 4]!,
        );
        sent++;
        await settled();
        await heardOneMore(before);
      }
      return (reads - from) / messages;
    };

    visitor.send(id, 'Hello, anyone there?');
    sent++;
    await eventually(() => expect(heard()[0]).toBeGreaterThan(0));
    const withOne = await readsPerMessage(4);

    for (let i = 0; i < 9; i++) {
      const agent = await env.relay.services.agents.create({
        email: `colleague-${i}@t.test`,
        name: `Colleague ${i}`,
        role: 'agent',
        siteIds: [env.site.id],
      });
      agents.push(await listen(agent.token));
    }
    await sleep(400);
    const withTen = await readsPerMessage(4);

    expect(withOne).toBeGreaterThan(0);
    expect(withTen).toBe(withOne);
    for (const heard of agents.slice(1)) expect(heard.messages).toBe(4);
    expect(sent).toBe(9);
    expect(outsider.changes).toEqual([]);
    expect(outsider.messages).toBe(0);
  });
});
