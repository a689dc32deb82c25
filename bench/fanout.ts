// What fan-out costs the database per visitor message, by the number of agents online: a real
// relay in this process (its driver's command monitoring counts every command it sends), one
// site, N agents connected as consoles are (a socket, and whatever HTTP a console makes when an
// event arrives), and visitors writing one message at a time. Last line: one JSON object.
//
// BENCH_FANOUT_CONSOLE=refetch simulates the console before pushes (each event made every console
// fetch its inbox list, the counts and its open conversation again, 150 ms after a burst), for
// comparison; the default, `push`, is today's console: it applies the `inbox` events and fetches
// nothing.
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { startRelay } from '../apps/server/src/app';
import { loadConfig } from '../apps/server/src/config';
import { benchStore, type Cleanups } from './store';

const AGENTS = (process.env.BENCH_FANOUT_AGENTS ?? '1,10,50').split(',').map(Number);
const MESSAGES = Number(process.env.BENCH_FANOUT_MESSAGES ?? 20);
const VISITORS = 5;
const CONSOLE = process.env.BENCH_FANOUT_CONSOLE === 'refetch' ? 'refetch' : 'push';
const ORIGIN = 'http://bench.test';
const HOUR = 3_600_000;

const READS = new Set(['find', 'aggregate', 'count', 'distinct', 'getMore']);
const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify', 'bulkWrite']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (n: number) => Math.round(n * 100) / 100;

function connected(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Resolves once `check` holds, polling every 5 ms; throws after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

interface Counts {
  reads: number;
  writes: number;
  byCommand: Record<string, number>;
}

async function run(uri: string, agents: number): Promise<Counts & { http: number; failedHttp: number }> {
  const separator = uri.includes('?') ? '&' : '?';
  const relay = await startRelay({
    ...loadConfig({}),
    mongodbUri: `${uri}${separator}monitorCommands=true`,
    dbName: `bench_fanout_${agents}_${Date.now()}`,
    host: '127.0.0.1',
    port: 0,
    // Periodic jobs would add their own reads to the count: none runs during the phase.
    snoozeTickMs: HOUR,
    emailTickMs: HOUR,
    meetingTickMs: HOUR,
  });
  const sockets: Socket[] = [];
  try {
    const counts: Counts = { reads: 0, writes: 0, byCommand: {} };
    let counting = false;
    let lastCommandAt = Date.now();
    relay.connection.getClient().on('commandStarted', (event) => {
      lastCommandAt = Date.now();
      if (!counting) return;
      const name = event.commandName;
      if (READS.has(name)) counts.reads++;
      else if (WRITES.has(name)) counts.writes++;
      else return;
      counts.byCommand[name] = (counts.byCommand[name] ?? 0) + 1;
    });

    const { services } = relay;
    const site = await services.sites.create({ name: 'Bench', allowedOrigins: [ORIGIN] });
    const tokens = await Promise.all(
      Array.from({ length: agents }, async (_, i) => {
        const created = await services.agents.create({
          email: `agent-${i}@bench.test`,
          name: `Agent ${i}`,
          role: 'agent',
          siteIds: [site.id],
        });
        return created.token;
      }),
    );

    const visitors = await Promise.all(
      Array.from({ length: VISITORS }, async () => {
        const socket = io(`${relay.url}/visitor`, {
          transports: ['websocket'],
          forceNew: true,
          query: { siteKey: site.publicKey },
          auth: { siteKey: site.publicKey },
          extraHeaders: { origin: ORIGIN },
        });
        sockets.push(socket);
        await connected(socket);
        const started = await socket.emitWithAck('conversation:start', { startKey: randomUUID() });
        if (!started.ok) throw new Error(started.message);
        return { socket, conversationId: started.conversation.id as string };
      }),
    );

    let http = 0;
    let failedHttp = 0;
    const get = async (token: string, path: string) => {
      http++;
      const response = await fetch(`${relay.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) failedHttp++;
      await response.arrayBuffer();
    };
    let received = 0;
    let fetching = 0;
    await Promise.all(
      tokens.map(async (token, i) => {
        const socket = io(`${relay.url}/agent`, {
          transports: ['websocket'],
          forceNew: true,
          auth: { token },
        });
        sockets.push(socket);
        // Each console has a conversation open and the "Open" view on screen.
        const open = visitors[i % VISITORS]!.conversationId;
        let timer: NodeJS.Timeout | undefined;
        const refetchSoon = () => {
          clearTimeout(timer);
          fetching++;
          timer = setTimeout(() => {
            void Promise.all([
              get(token, '/api/inbox?view=open&sort=activity'),
              get(token, '/api/inbox/counts'),
              get(token, `/api/conversations/${open}`),
            ]).finally(() => fetching--);
          }, 150);
        };
        socket.on('message', () => {
          received++;
          if (CONSOLE === 'refetch') refetchSoon();
        });
        if (CONSOLE === 'refetch') socket.on('conversation', refetchSoon);
        await connected(socket);
      }),
    );

    const send = async (k: number) => {
      const visitor = visitors[k % VISITORS]!;
      const before = received;
      const sent = await visitor.socket.emitWithAck('message:send', {
        conversationId: visitor.conversationId,
        clientMsgId: randomUUID(),
        body: `Message ${k}: is the Ember mug dishwasher safe?`,
      });
      if (!sent.ok) throw new Error(sent.message);
      await until(() => received >= before + agents, 10_000, 'every agent to get the message');
      // Settled: the consoles' fetches are done and the relay has sent nothing for 300 ms.
      await until(() => fetching === 0 && Date.now() - lastCommandAt > 300, 20_000, 'the relay to settle');
    };

    // Each conversation's first message (a new chat) and the relay's first look at it come first.
    for (let k = 0; k < VISITORS; k++) await send(k);
    counting = true;
    http = 0;
    failedHttp = 0;
    for (let k = 0; k < MESSAGES; k++) await send(k);
    counting = false;
    return { ...counts, http, failedHttp };
  } finally {
    for (const socket of sockets) socket.disconnect();
    await relay.close();
  }
}

async function main() {
  const cleanups: Cleanups = [];
  try {
    const uri = await benchStore(cleanups);
    const readsPerMessage: Record<string, number> = {};
    const writesPerMessage: Record<string, number> = {};
    const httpPerMessage: Record<string, number> = {};
    const commandsPerMessage: Record<string, Record<string, number>> = {};
    for (const agents of AGENTS) {
      const result = await run(uri, agents);
      readsPerMessage[agents] = round(result.reads / MESSAGES);
      writesPerMessage[agents] = round(result.writes / MESSAGES);
      httpPerMessage[agents] = round(result.http / MESSAGES);
      commandsPerMessage[agents] = Object.fromEntries(
        Object.entries(result.byCommand).map(([name, n]) => [name, round(n / MESSAGES)]),
      );
      console.log(
        `${agents} agents (${CONSOLE} console): ${readsPerMessage[agents]} reads and ` +
          `${writesPerMessage[agents]} writes per visitor message, ${httpPerMessage[agents]} console ` +
          `requests (${result.failedHttp} refused); ${JSON.stringify(commandsPerMessage[agents])}`,
      );
    }
    console.log(
      JSON.stringify({
        console: CONSOLE,
        messages: MESSAGES,
        readsPerMessage,
        writesPerMessage,
        httpPerMessage,
        commandsPerMessage,
      }),
    );
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

await main();
process.exit(0);
