import { MAX_PACKET_BYTES } from '@parley/protocol';
import { io, type Socket } from 'socket.io-client';
import { spawnRelay } from '../apps/server/src/testing/process';
import { benchServices, benchStore, type Cleanups } from './store';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const HOSTILE_SOCKETS = Number(process.env.BENCH_HOSTILE_SOCKETS ?? 80);
/** Packets each hostile socket keeps in flight. */
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 4);
const ORIGIN = 'http://bench.test';
const HOSTILE_ADDRESS = '127.0.0.66';
const VISITOR_ADDRESS = '127.0.0.77';
/** A probe that takes longer than this is counted at this (the relay is then stalled anyway). */
const PROBE_TIMEOUT_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
const round = (n: number) => Math.round(n * 100) / 100;

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

function visitorSocket(url: string, siteKey: string, localAddress: string): Socket {
  return io(`${url}/visitor`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { siteKey },
    query: { siteKey },
    extraHeaders: { origin: ORIGIN },
    localAddress,
  } as Parameters<typeof io>[1]);
}

function connected(socket: Socket): Promise<boolean> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('connect_error', () => resolve(false));
  });
}

/** The worst payloads one packet can carry, each just under the packet cap. */
function hostilePayloads(): [string, unknown][] {
  const room = MAX_PACKET_BYTES - 512;
  return [
    // A run the old URL pattern's two greedy parts split every way, failing at the very end.
    ['visitor:context', { url: `http://a${':'.repeat(room)}\t` }],
    ['visitor:context', { url: 'http://shop.test/', referrer: `http://a${'/'.repeat(room)} ` }],
    ['visitor:profile', { email: `a@a${'.a'.repeat(room / 2)}@` }],
    ['visitor:attributes', { attributes: { [`a${'a'.repeat(room)}!`]: 1 } }],
    ['conversation:start', { startKey: 'x'.repeat(room) }],
  ];
}

/** GET /health every 50 ms until `end`: how long each answer took. */
async function probeHealth(url: string, end: number): Promise<number[]> {
  const samples: number[] = [];
  while (performance.now() < end) {
    const start = performance.now();
    try {
      await fetch(`${url}/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).then((r) => r.text());
      samples.push(performance.now() - start);
    } catch {
      samples.push(PROBE_TIMEOUT_MS);
    }
    await sleep(50);
  }
  return samples;
}

async function main() {
  const cleanups: Cleanups = [];
  try {
    const uri = await benchStore(cleanups);
    const dbName = `bench_hostile_${Date.now()}`;
    const services = await benchServices(uri, dbName, cleanups);
    const site = await services.sites.create({ name: 'Bench shop', allowedOrigins: [ORIGIN] });

    // The relay as deployed: its own process, default limits.
    const relay = await spawnRelay({ MONGODB_URI: uri, MONGODB_DB: dbName, PORT: '0' });
    cleanups.push(() => relay.kill());
    const url = relay.url;

    const visitor = visitorSocket(url, site.publicKey, VISITOR_ADDRESS);
    cleanups.push(() => {
      visitor.close();
    });
    if (!(await connected(visitor))) throw new Error('the measuring visitor could not connect');
    const started = await visitor.emitWithAck('conversation:start', { startKey: `bench-${Date.now()}` });
    if (!started.ok) throw new Error(started.message);
    const conversationId: string = started.conversation.id;

    // The same probes with no hostile client first, on the same machine in the same run.
    const calm = await probeHealth(url, performance.now() + 3_000);

    const hostile: Socket[] = [];
    for (let i = 0; i < HOSTILE_SOCKETS; i++) {
      const socket = visitorSocket(url, site.publicKey, HOSTILE_ADDRESS);
      cleanups.push(() => {
        socket.close();
      });
      if (await connected(socket)) hostile.push(socket);
    }
    console.log(
      `hostile bench: ${hostile.length} of ${HOSTILE_SOCKETS} hostile sockets let in, ${IN_FLIGHT} worst-case packets in flight each, for ${SECONDS}s`,
    );

    const end = performance.now() + SECONDS * 1000;
    const answers = new Map<string, number>();
    const payloads = hostilePayloads();
    const attack = hostile.map(async (socket, s) => {
      const lanes = Array.from({ length: IN_FLIGHT }, async (_, lane) => {
        for (let k = s + lane; performance.now() < end && socket.connected; k++) {
          const [event, payload] = payloads[k % payloads.length]!;
          try {
            const ack = await socket.timeout(PROBE_TIMEOUT_MS).emitWithAck(event, payload);
            const key = ack.ok ? 'ok' : ack.code;
            answers.set(key, (answers.get(key) ?? 0) + 1);
          } catch {
            answers.set('no answer', (answers.get('no answer') ?? 0) + 1);
          }
        }
      });
      await Promise.all(lanes);
    });

    const healthProbe = probeHealth(url, end);

    const acks: number[] = [];
    const refused = new Map<string, number>();
    const messageProbe = (async () => {
      for (let k = 0; performance.now() < end; k++) {
        const start = performance.now();
        try {
          const ack = await visitor.timeout(PROBE_TIMEOUT_MS).emitWithAck('message:send', {
            conversationId,
            clientMsgId: `bench-${Date.now()}-${k}`,
            body: `still here ${k}`,
          });
          if (ack.ok) acks.push(performance.now() - start);
          else refused.set(ack.code, (refused.get(ack.code) ?? 0) + 1);
        } catch {
          acks.push(PROBE_TIMEOUT_MS);
        }
        await sleep(200);
      }
    })();

    const [health] = await Promise.all([healthProbe, messageProbe, ...attack]);
    const calmMs = summary(calm);
    const healthMs = summary(health);
    const ackMs = summary(acks);
    console.log(
      `/health            p50 ${healthMs.p50} ms  p99 ${healthMs.p99} ms  max ${healthMs.max} ms  (${healthMs.n} probes)`,
    );
    console.log(
      `other visitor ack  p50 ${ackMs.p50} ms  p99 ${ackMs.p99} ms  max ${ackMs.max} ms  (${ackMs.n} acked, ${[...refused.values()].reduce((a, b) => a + b, 0)} refused)`,
    );
    console.log(`hostile answers    ${JSON.stringify(Object.fromEntries(answers))}`);
    console.log(
      JSON.stringify({
        seconds: SECONDS,
        hostileSockets: hostile.length,
        calmHealthP50Ms: calmMs.p50,
        calmHealthMaxMs: calmMs.max,
        healthP50Ms: healthMs.p50,
        healthP99Ms: healthMs.p99,
        healthMaxMs: healthMs.max,
        ackP50Ms: ackMs.p50,
        ackP99Ms: ackMs.p99,
        ackMaxMs: ackMs.max,
        otherVisitorRefused: Object.fromEntries(refused),
        hostileAnswers: Object.fromEntries(answers),
      }),
    );
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

await main();
