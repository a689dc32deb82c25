// A node can die: two relay processes behind HAProxy, sharing Redis and the store, with 200
// visitors and 10 agents chatting through the balancer. One relay is SIGKILLed mid-burst while it
// holds an email and a meeting invite half-sent; every client reconnects through the balancer to
// the survivor, every acked message is stored once, in order, and on every client that should
// have it, and the survivor delivers the dead relay's claimed mail once its lease runs out.
import type { AddressInfo } from 'node:net';
import { type AgentChatClient, newClientId, type VisitorChatClient } from '@parley/client';
import { ObjectId } from 'mongodb';
import { SMTPServer } from 'smtp-server';
import { afterAll, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config';
import { connectDatabase } from '../src/db/connect';
import { startCatcher } from '../src/email/testing';
import { createServices, syncIndexes } from '../src/services';
import { OUTBOX_POLICY } from '../src/shared/outbox';
import {
  createFixtures,
  emailConversation,
  freePort,
  type RelayProcess,
  spawnRelay,
  testDatabase,
} from '../src/testing';
import { agentClient, ready, visitorClient } from '../src/testing/clients';
import { startHaproxy } from '../src/testing/haproxy';
import { startRedis } from '../src/testing/redis';

const VISITORS = 200;
const AGENTS = 10;
const VISITOR_MESSAGES = 8;
const AGENT_MESSAGES = 2;
const TOTAL = VISITORS * (VISITOR_MESSAGES + AGENT_MESSAGES);
/** Messages stored before relay A is killed: the kill lands mid-burst. */
const KILL_AFTER = Math.floor(TOTAL / 4);
const VISITOR_EMAIL = 'vera.lungu@example.test';
const ATTENDEE = 'Zofia Żółkiewska';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** An SMTP server that takes every message's data and never answers it: a mail server that hangs. */
async function startStalledSmtp() {
  const held: string[][] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session) {
      stream.resume();
      stream.on('end', () => held.push(session.envelope.rcptTo.map((r) => r.address)));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    held,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

it('loses, doubles and strands nothing when one of two relays behind HAProxy is SIGKILLed', async () => {
  const testStarted = performance.now();
  const redis = await startRedis();
  cleanups.push(() => redis.stop());
  const { uri, dbName } = testDatabase();
  const connection = await connectDatabase(uri, dbName);
  cleanups.push(() => connection.close());
  const services = createServices(connection, loadConfig({ REDIS_URL: redis.url }));
  await syncIndexes(connection, services);
  const { site } = await createFixtures({ services });
  const agents = await Promise.all(
    Array.from({ length: AGENTS }, (_, i) =>
      services.agents.create({
        email: `agent${i}-${site.id}@shop.test`,
        name: `Agent ${i}`,
        role: 'agent',
        siteIds: [site.id],
      }),
    ),
  );

  const stalled = await startStalledSmtp();
  const catcher = await startCatcher();
  cleanups.push(
    () => stalled.close(),
    () => catcher.close(),
  );
  const [portA, portB] = [await freePort(), await freePort()];
  const env = (port: number, smtpUrl: string) => ({
    MONGODB_URI: uri,
    MONGODB_DB: dbName,
    REDIS_URL: redis.url,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SMTP_URL: smtpUrl,
    // Relays behind one balancer share the secret that signs visitor tokens and links.
    PARLEY_LINK_SECRET: 'failover-test-link-secret-0123456789abcdef',
    PARLEY_TRUST_PROXY: 'loopback',
    // Every test client comes from 127.0.0.1: one address with the room of a whole shop.
    PARLEY_SOCKETS_PER_ADDRESS: '1000',
    PARLEY_STARTS_PER_MIN: '2000',
    PARLEY_SOCKET_RATE: '500',
    PARLEY_SOCKET_BURST: '1000',
    PARLEY_EVENT_RATE: '1000',
    PARLEY_SITE_RATE: '20000',
    PARLEY_EMAIL_TICK_MS: '200',
    PARLEY_MEETING_TICK_MS: '200',
  });
  const processes: RelayProcess[] = [];
  cleanups.push(() => Promise.all(processes.map((p) => p.kill('SIGKILL'))));

  // Relay A starts alone and claims two mails owed to the outside world; its SMTP server hangs.
  const relayA = await spawnRelay(env(portA, stalled.url));
  processes.push(relayA);
  const host = agents[0]!.agent;
  // This process only stores what the relays are to send; it never runs their workers.
  services.email.useSender(() => Promise.reject(new Error('the test process sends no mail')));
  const { conversationId: emailed } = await emailConversation({ services }, host, site.id, VISITOR_EMAIL);
  await services.meetings.saveSchedule(host, {
    timeZone: 'Europe/Bucharest',
    weekly: ([0, 1, 2, 3, 4, 5, 6] as const).map((day) => ({ day, start: '00:00', end: '23:59' })),
    exceptions: [],
    lengths: [30],
  });
  const offered = await services.meetings.offer(host, {
    conversationId: emailed,
    lengthMinutes: 30,
    agenda: 'Przesyłka do Iași: czas dostawy',
  });
  if (!offered.ok) throw new Error(offered.message);
  const meetingId = offered.meeting.id;
  const slots = await services.meetings.slotsForLink(meetingId, offered.links.book!, 'UTC');
  if (!slots.ok) throw new Error(slots.message);
  // The booking answers only once its invites are sent, which relay A never manages.
  const booking = fetch(`${relayA.url}/meetings/${meetingId}/book`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: offered.links.book,
      start: slots.slots[0]!.start,
      timeZone: 'UTC',
      attendee: { name: ATTENDEE, email: 'zofia@example.test' },
    }),
  }).catch(() => null);
  await vi.waitFor(() => expect(stalled.held.flat()).toContain(VISITOR_EMAIL), { timeout: 15_000 });
  await vi.waitFor(() => expect(stalled.held.length).toBeGreaterThanOrEqual(2), { timeout: 15_000 });
  const jobs = connection.model('EmailJob').collection;
  const meetings = connection.collection('meetings');
  const heldJob = await jobs.findOne({ conversationId: new ObjectId(emailed) });
  expect(heldJob?.leaseUntil.getTime()).toBeGreaterThan(Date.now());
  const heldMails = ((await meetings.findOne({ _id: new ObjectId(meetingId) }))?.mails ?? []).filter(
    (m: { state: string }) => m.state === 'sending',
  ) as { to: string; claimToken: string }[];
  expect(heldMails.length).toBeGreaterThanOrEqual(1);

  // Relay B joins, then everyone connects through the balancer.
  const relayB = await spawnRelay(env(portB, catcher.url));
  processes.push(relayB);
  const balancer = await startHaproxy([
    { name: 'a', port: portA },
    { name: 'b', port: portB },
  ]);
  cleanups.push(() => balancer.stop());

  const agentClients: AgentChatClient[] = await Promise.all(
    agents.map(({ token }) => ready(agentClient(balancer.url, token))),
  );
  const visitors: VisitorChatClient[] = [];
  for (let i = 0; i < VISITORS; i += 20) {
    visitors.push(
      ...(await Promise.all(
        Array.from({ length: 20 }, () => ready(visitorClient(balancer.url, site.publicKey))),
      )),
    );
  }
  const everyone = [...agentClients, ...visitors];
  cleanups.push(() => {
    for (const client of everyone) client.close();
  });
  const conversationIds = await Promise.all(
    visitors.map(async (visitor) => {
      const started = await visitor.start(newClientId());
      if (!started.ok) throw new Error(started.message);
      return started.conversation.id;
    }),
  );
  await Promise.all(agentClients.map((agent) => agent.follow(...conversationIds)));

  // Who was cut off by the kill, and when each came back.
  let killedAt = 0;
  const cutOff = new Set<number>();
  const back = new Map<number, number>();
  everyone.forEach((client, i) => {
    client.socket.on('disconnect', () => {
      if (killedAt) cutOff.add(i);
    });
    client.socket.on('connect', () => {
      if (killedAt) back.set(i, performance.now());
    });
  });

  const sentIds = new Map<string, string[]>(conversationIds.map((id) => [id, []]));
  const visitorsTalk = Promise.all(
    visitors.map(async (visitor, i) => {
      const id = conversationIds[i]!;
      for (let k = 0; k < VISITOR_MESSAGES; k++) {
        sentIds.get(id)!.push(visitor.send(id, `visitor ${i} says ${k}`));
        await sleep(60);
      }
    }),
  );
  const agentsTalk = Promise.all(
    agentClients.map(async (agent, a) => {
      const mine = conversationIds.filter((_, i) => i % AGENTS === a);
      for (let k = 0; k < AGENT_MESSAGES; k++) {
        for (const id of mine) sentIds.get(id)!.push(agent.send(id, `agent ${a} to ${id}: ${k}`));
        await sleep(150);
      }
    }),
  );

  const messages = connection.collection('messages');
  const stored = () =>
    messages.countDocuments({ conversationId: { $in: conversationIds.map((id) => new ObjectId(id)) } });
  await vi.waitFor(async () => expect(await stored()).toBeGreaterThanOrEqual(KILL_AFTER), {
    timeout: 30_000,
    interval: 5,
  });
  killedAt = performance.now();
  await relayA.kill('SIGKILL');
  const storedAtKill = await stored();
  expect(storedAtKill).toBeLessThan(TOTAL);
  await booking;

  await Promise.all([visitorsTalk, agentsTalk]);
  await vi.waitFor(() => expect(everyone.every((c) => c.socket.connected)).toBe(true), {
    timeout: 30_000,
    interval: 20,
  });
  await vi.waitFor(() => expect(everyone.every((c) => c.pending().length === 0)).toBe(true), {
    timeout: 30_000,
    interval: 50,
  });
  const settledAt = performance.now();
  // The balancer had put clients on both relays: the kill cut some off, not all.
  expect(cutOff.size).toBeGreaterThan(0);
  expect(cutOff.size).toBeLessThan(everyone.length);
  expect([...cutOff].every((i) => back.has(i))).toBe(true);

  let duplicates = 0;
  for (const [i, id] of conversationIds.entries()) {
    const timeline = await services.conversations.timeline(id);
    const ids = timeline.map((m) => m.clientMsgId);
    duplicates += ids.length - new Set(ids).size;
    // Every sent (and, with every outbox empty, acked) message is stored exactly once.
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...sentIds.get(id)!].sort());
    const seqs = timeline.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    // Each sender's messages keep the order they were sent in.
    expect(timeline.filter((m) => m.author.kind === 'visitor').map((m) => m.body)).toEqual(
      Array.from({ length: VISITOR_MESSAGES }, (_, k) => `visitor ${i} says ${k}`),
    );
    const a = i % AGENTS;
    expect(timeline.filter((m) => m.author.kind === 'agent').map((m) => m.body)).toEqual(
      Array.from({ length: AGENT_MESSAGES }, (_, k) => `agent ${a} to ${id}: ${k}`),
    );
  }
  expect(duplicates).toBe(0);

  // Every client holds every message it should: the visitor its conversation, each agent all 200.
  const transcripts = new Map<string, string[]>();
  for (const id of conversationIds) {
    transcripts.set(
      id,
      (await services.conversations.timeline(id)).map((m) => m.clientMsgId),
    );
  }
  await vi.waitFor(
    async () => {
      await Promise.all(everyone.map((client) => client.resync()));
      for (const [i, id] of conversationIds.entries()) {
        const transcript = transcripts.get(id)!;
        expect(visitors[i]!.timeline(id).map((m) => m.clientMsgId)).toEqual(transcript);
        for (const agent of agentClients)
          expect(agent.timeline(id).map((m) => m.clientMsgId)).toEqual(transcript);
      }
    },
    { timeout: 20_000, interval: 500 },
  );

  // The survivor leaves what the dead relay claimed alone while the lease lasts (it has made
  // many passes by now)…
  expect(catcher.mail.filter((m) => m.envelope.to.includes(VISITOR_EMAIL))).toHaveLength(0);
  const stillHeld = (await meetings.findOne({ _id: new ObjectId(meetingId) }))?.mails as {
    claimToken: string;
    state: string;
  }[];
  for (const mail of heldMails) {
    expect(stillHeld.find((m) => m.claimToken === mail.claimToken)?.state).toBe('sending');
  }
  // …and delivers it, once, when the lease has run out (the clock moved by rewriting the claims).
  const expired = new Date(Date.now() - OUTBOX_POLICY.leaseMs - 1000);
  await jobs.updateOne({ _id: heldJob!._id }, { $set: { leaseUntil: new Date(Date.now() - 1000) } });
  await meetings.updateOne(
    { _id: new ObjectId(meetingId) },
    { $set: { 'mails.$[held].claimedAt': expired } },
    { arrayFilters: [{ 'held.state': 'sending' }] },
  );
  await vi.waitFor(
    async () => {
      expect(catcher.mail.filter((m) => m.envelope.to.includes(VISITOR_EMAIL))).toHaveLength(1);
      const mails = (await meetings.findOne({ _id: new ObjectId(meetingId) }))?.mails as { state: string }[];
      expect(mails.map((m) => m.state)).toEqual(mails.map(() => 'sent'));
    },
    { timeout: 15_000, interval: 100 },
  );
  expect(await jobs.countDocuments({ conversationId: new ObjectId(emailed) })).toBe(0);
  const attendeeInvites = catcher.mail.filter((m) => m.envelope.to.includes('zofia@example.test'));
  const hostInvites = catcher.mail.filter((m) => m.envelope.to.includes(host.email));
  expect(attendeeInvites).toHaveLength(1);
  expect(hostInvites).toHaveLength(1);

  const reconnectMs = Math.max(...[...cutOff].map((i) => back.get(i)! - killedAt));
  console.log(
    JSON.stringify({
      visitors: VISITORS,
      agents: AGENTS,
      messagesAcked: [...sentIds.values()].reduce((sum, ids) => sum + ids.length, 0),
      storedAtKill,
      clientsCutOff: cutOff.size,
      reconnectMs: Math.round(reconnectMs),
      settledMs: Math.round(settledAt - killedAt),
      duplicates,
      mailsHeldByDeadRelay: stalled.held.length,
      testMs: Math.round(performance.now() - testStarted),
    }),
  );
}, 120_000);
