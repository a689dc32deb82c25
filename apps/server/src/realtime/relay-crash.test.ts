// The relay process killed with SIGKILL mid-conversation and restarted: every acked message is
// stored exactly once and every client ends with the full ordered transcript.
import { type ChatClient, newClientId } from '@parley/client';
import { ObjectId } from 'mongodb';
import { afterAll, expect, it, vi } from 'vitest';
import { loadConfig } from '../config';
import { connectDatabase } from '../db/connect';
import { createServices, syncIndexes } from '../services';
import { createFixtures, freePort, type RelayProcess, spawnRelay, testDatabase } from '../testing';
import { agentClient, ready, visitorClient } from '../testing/clients';

const CONVERSATIONS = 20;
const VISITOR_MESSAGES = 15;
const AGENT_MESSAGES = 8;
/** Messages stored before the relay is killed. */
const KILL_AFTER = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const clients: ChatClient[] = [];
let relay: RelayProcess | undefined;
afterAll(async () => {
  for (const client of clients) client.close();
  await relay?.kill('SIGKILL');
});

it('loses and doubles nothing when the relay is SIGKILLed and restarted under load', async () => {
  const { uri, dbName } = testDatabase();
  const connection = await connectDatabase(uri, dbName);
  const services = createServices(connection, loadConfig({}));
  await syncIndexes(connection, services);
  const { site, admin } = await createFixtures({ services });

  const port = await freePort();
  const env = {
    MONGODB_URI: uri,
    MONGODB_DB: dbName,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    PARLEY_SOCKET_RATE: '200',
    PARLEY_SOCKET_BURST: '400',
  };
  relay = await spawnRelay(env);
  const url = relay.url;

  const agent = await ready(agentClient(url, admin.token));
  clients.push(agent);
  const visitors = await Promise.all(
    Array.from({ length: CONVERSATIONS }, async () => {
      const client = await ready(visitorClient(url, site.publicKey));
      clients.push(client);
      return client;
    }),
  );
  const conversationIds = await Promise.all(
    visitors.map(async (visitor) => {
      const started = await visitor.start(newClientId());
      if (!started.ok) throw new Error(started.message);
      return started.conversation.id;
    }),
  );
  await Promise.all(conversationIds.map((id) => agent.follow(id)));

  const sentIds = new Map<string, string[]>(conversationIds.map((id) => [id, []]));
  const visitorsTalk = Promise.all(
    visitors.map(async (visitor, i) => {
      const id = conversationIds[i]!;
      for (let k = 0; k < VISITOR_MESSAGES; k++) {
        sentIds.get(id)!.push(visitor.send(id, `visitor ${i} says ${k}`));
        await sleep(20);
      }
    }),
  );
  const agentTalks = (async () => {
    for (let k = 0; k < AGENT_MESSAGES; k++) {
      for (const [i, id] of conversationIds.entries())
        sentIds.get(id)!.push(agent.send(id, `agent to ${i}: ${k}`));
      await sleep(40);
    }
  })();

  // The kill lands mid-exchange, once KILL_AFTER messages are stored and most are not yet sent.
  const stored = () =>
    connection
      .collection('messages')
      .countDocuments({ conversationId: { $in: conversationIds.map((id) => new ObjectId(id)) } });
  await vi.waitFor(async () => expect(await stored()).toBeGreaterThanOrEqual(KILL_AFTER), {
    timeout: 30_000,
    interval: 5,
  });
  await relay.kill('SIGKILL');
  const storedAtKill = await stored();
  expect(storedAtKill).toBeGreaterThanOrEqual(KILL_AFTER);
  expect(storedAtKill).toBeLessThan((CONVERSATIONS * (VISITOR_MESSAGES + AGENT_MESSAGES)) / 2);
  await sleep(200);
  relay = await spawnRelay(env);
  await Promise.all([visitorsTalk, agentTalks]);

  const everyone = [agent, ...visitors];
  await vi.waitFor(() => expect(everyone.every((c) => c.pending().length === 0)).toBe(true), {
    timeout: 60_000,
    interval: 100,
  });

  for (const [i, id] of conversationIds.entries()) {
    const stored = await services.conversations.timeline(id);
    const storedIds = stored.map((m) => m.clientMsgId);
    // Every message that was sent (and so, with an empty outbox, acked) is stored exactly once.
    expect(new Set(storedIds).size).toBe(storedIds.length);
    expect([...storedIds].sort()).toEqual([...sentIds.get(id)!].sort());
    // Each sender's messages keep the order they were sent in.
    const fromVisitor = stored.filter((m) => m.author.kind === 'visitor').map((m) => m.body);
    expect(fromVisitor).toEqual(Array.from({ length: VISITOR_MESSAGES }, (_, k) => `visitor ${i} says ${k}`));
    const fromAgent = stored.filter((m) => m.author.kind === 'agent').map((m) => m.body);
    expect(fromAgent).toEqual(Array.from({ length: AGENT_MESSAGES }, (_, k) => `agent to ${i}: ${k}`));

    const transcript = stored.map((m) => m.clientMsgId);
    await vi.waitFor(
      async () => {
        await Promise.all([visitors[i]!.resync(), agent.resync()]);
        expect(visitors[i]!.timeline(id).map((m) => m.clientMsgId)).toEqual(transcript);
        expect(agent.timeline(id).map((m) => m.clientMsgId)).toEqual(transcript);
      },
      { timeout: 20_000, interval: 200 },
    );
  }
  await connection.close();
}, 180_000);
