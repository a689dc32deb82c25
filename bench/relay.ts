// pnpm bench:relay — the relay against a bare Socket.IO server (50 visitor/agent pairs: latency
// at 1,000 msg/s and throughput), the relay's storage path alone, and the realistic profile
// (realistic.ts): 2,000 conversations at 1,000 msg/s in total, 20 agents per site, against the
// relay and a plain persisted Socket.IO relay (plain-server.ts). Last line: one JSON object.
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import type { createServices } from '../apps/server/src/services';
import { spawnReady, spawnRelay } from '../apps/server/src/testing/process';
import {
  AGENTS_PER_SITE,
  CONSOLE_ORIGIN,
  CONVERSATIONS_PER_SITE,
  closeFleet,
  type ProfileResult,
  plainFleet,
  profile,
  realisticSites,
  relayFleet,
  SITES,
  saturateFleets,
} from './realistic';
import { benchServices, benchStore, type Cleanups } from './store';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 8);
const ORIGIN = 'http://bench.test';
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

interface Pair {
  visitor: Socket;
  agent: Socket;
  conversationId: string;
}
interface Target {
  name: string;
  pairs: Pair[];
}

function connected(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (n: number) => Math.round(n * 100) / 100;

/** Calls `send(lane, k)` on every lane at RATE/lanes per second for `seconds`, lanes staggered. */
async function paced(lanes: number, seconds: number, send: (lane: number, k: number) => void): Promise<void> {
  const interval = (1000 * lanes) / RATE;
  const perLane = Math.floor((seconds * RATE) / lanes);
  await Promise.all(
    Array.from({ length: lanes }, async (_, i) => {
      await sleep((interval * i) / lanes);
      const start = performance.now();
      for (let k = 0; k < perLane; k++) {
        const wait = start + k * interval - performance.now();
        if (wait > 0) await sleep(wait);
        send(i, k);
      }
    }),
  );
}

/** Every visitor sends at RATE/PAIRS msg/s for `seconds`; latency = agent receipt − visitor send. */
async function latencyPhase(
  target: Target,
  seconds = SECONDS,
): Promise<{ p50: number; p99: number; received: number }> {
  const latencies: number[] = [];
  const onMessage = (message: { body?: string; message?: { body?: string } }) => {
    const body = message.body ?? message.message?.body ?? '';
    const sentAt = Number(body.split(' ')[0]);
    if (sentAt) latencies.push(performance.now() - sentAt);
  };
  for (const pair of target.pairs) pair.agent.on('message', onMessage);
  await paced(target.pairs.length, seconds, (i, k) => {
    const pair = target.pairs[i]!;
    const body = `${performance.now()} latency ${k}`;
    pair.visitor.emit(
      'message:send',
      { conversationId: pair.conversationId, clientMsgId: `lat-${i}-${k}-${Date.now()}`, body },
      () => {},
    );
  });
  await sleep(1000);
  for (const pair of target.pairs) pair.agent.off('message', onMessage);
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), received: latencies.length };
}

/**
 * Keeps WINDOW sends in flight on every lane for SECONDS; answers how many succeeded per second
 * (for the relay and the storage path: persisted messages).
 */
async function saturate(lanes: (() => Promise<{ ok: boolean }>)[]): Promise<number> {
  let succeeded = 0;
  let running = true;
  const started = performance.now();
  const stop = sleep(SECONDS * 1000).then(() => {
    running = false;
  });
  const keep = async (send: () => Promise<{ ok: boolean }>) => {
    while (running) if ((await send()).ok) succeeded++;
  };
  await Promise.all([...lanes.flatMap((send) => Array.from({ length: WINDOW }, () => keep(send))), stop]);
  return succeeded / ((performance.now() - started) / 1000);
}

/** Every visitor keeps WINDOW sends in flight through the target for SECONDS. */
function throughputPhase(target: Target): Promise<number> {
  return saturate(
    target.pairs.map((pair, i) => {
      let k = 0;
      return () =>
        pair.visitor
          .timeout(10_000)
          .emitWithAck('message:send', {
            conversationId: pair.conversationId,
            clientMsgId: `tp-${i}-${k++}-${Date.now()}`,
            body: 'throughput',
          })
          .catch(() => ({ ok: false }));
    }),
  );
}

/**
 * The relay's storage path alone, in this process: the same sends through the conversation
 * service (validated ids, batched, journaled) with no sockets, at RATE and then with PAIRS ×
 * WINDOW in flight. What the relay adds on top of it is Socket.IO.
 */
async function writerPhases(
  services: ReturnType<typeof createServices>,
  siteIds: string[],
): Promise<{ p50: number; p99: number; perSec: number }> {
  const lanes = await Promise.all(
    siteIds.map(async (siteId, i) => {
      const { visitor } = await services.visitors.mint(siteId);
      const actor = { kind: 'visitor' as const, visitorId: visitor.id, siteId };
      const { conversation } = await services.conversations.start(actor, `writer-${i}`);
      let n = 0;
      return () =>
        services.conversations.send(actor, {
          conversationId: conversation.id,
          clientMsgId: `w-${i}-${n++}`,
          body: 'writer',
        });
    }),
  );
  const latencies: number[] = [];
  const pending: Promise<unknown>[] = [];
  const measure = (lane: number) => {
    const started = performance.now();
    pending.push(
      lanes[lane]!().then((result) => {
        if (result.ok) latencies.push(performance.now() - started);
      }),
    );
  };
  await paced(lanes.length, 1, measure); // warm-up
  await Promise.all(pending.splice(0));
  latencies.length = 0;
  await paced(lanes.length, SECONDS, measure);
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);

  const perSec = await saturate(lanes);
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), perSec };
}

async function bareTarget(url: string): Promise<Target> {
  const pairs = await Promise.all(
    Array.from({ length: PAIRS }, async (_, i) => {
      const options = { transports: ['websocket'], forceNew: true, query: { pair: String(i) } };
      const [visitor, agent] = await Promise.all([connected(io(url, options)), connected(io(url, options))]);
      return { visitor, agent, conversationId: String(i) };
    }),
  );
  return { name: 'bare', pairs };
}

async function relayTarget(url: string, sites: { key: string; agentToken: string }[]): Promise<Target> {
  const pairs = await Promise.all(
    sites.map(async ({ key, agentToken }) => {
      const visitor = await connected(
        io(`${url}/visitor`, {
          transports: ['websocket'],
          forceNew: true,
          query: { siteKey: key },
          auth: { siteKey: key },
          extraHeaders: { origin: ORIGIN },
        }),
      );
      const agent = await connected(
        io(`${url}/agent`, { transports: ['websocket'], forceNew: true, auth: { token: agentToken } }),
      );
      const started = await visitor.emitWithAck('conversation:start', { startKey: `bench-${key}` });
      if (!started.ok) throw new Error(started.message);
      return { visitor, agent, conversationId: started.conversation.id as string };
    }),
  );
  return { name: 'relay', pairs };
}

async function main() {
  const cleanups: Cleanups = [];
  const loadBefore = loadavg()[0]!;
  try {
    const uri = await benchStore(cleanups);
    const dbName = `bench_${Date.now()}`;
    const services = await benchServices(uri, dbName, cleanups);
    const sites = await Promise.all(
      Array.from({ length: PAIRS }, async (_, i) => {
        const site = await services.sites.create({ name: `Bench ${i}`, allowedOrigins: [ORIGIN] });
        const { token } = await services.agents.create({
          email: `bench-${i}-${dbName}@bench.test`,
          name: `Agent ${i}`,
          role: 'agent',
          siteIds: [site.id],
        });
        return { id: site.id, key: site.publicKey, agentToken: token };
      }),
    );

    // The relay and the baseline each run as their own process, as in production.
    // Both persisted servers report their CPU time to the bench (cpu-probe.ts).
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const probed = ['--import', here('./cpu-probe.ts'), ...nodeArgs];
    const relayProcess = await spawnRelay(
      {
        MONGODB_URI: uri,
        MONGODB_DB: dbName,
        PORT: '0',
        PUBLIC_URL: CONSOLE_ORIGIN,
        PARLEY_SOCKET_RATE: '1000000',
        PARLEY_SOCKET_BURST: '1000000',
        PARLEY_SITE_RATE: '1000000',
        // Every simulated visitor comes from this machine's one address.
        PARLEY_EVENT_RATE: '1000000',
        PARLEY_SOCKETS_PER_ADDRESS: '1000000',
        PARLEY_STARTS_PER_MIN: '1000000',
      },
      probed,
    );
    cleanups.push(() => relayProcess.kill());
    const bareProcess = await spawnReady(
      'bare server',
      process.execPath,
      ['--import', 'tsx', ...nodeArgs, here('./bare-server.ts')],
      {},
      /BARE_READY (\S+)/,
    );
    cleanups.push(() => bareProcess.stop());
    const plainProcess = await spawnReady(
      'plain persisted server',
      process.execPath,
      ['--import', 'tsx', ...probed, here('./plain-server.ts')],
      { MONGODB_URI: uri, MONGODB_DB: `${dbName}_plain` },
      /PLAIN_READY (\S+)/,
    );
    cleanups.push(() => plainProcess.stop());
    const relayUrl = relayProcess.url;
    const bareUrl = bareProcess.ready;

    console.log(
      `relay bench: ${PAIRS} visitors + ${PAIRS} agents, ${RATE} msg/s for ${SECONDS}s, then ${WINDOW} in flight per visitor for ${SECONDS}s`,
    );
    const results: Record<string, { p50: number; p99: number; perSec: number }> = {};
    for (const make of [() => bareTarget(bareUrl), () => relayTarget(relayUrl, sites)]) {
      const target = await make();
      // Warm-up: one second at the same rate on every pair, so caches (sites, conversations) are
      // as in a relay that has been running, then the measured run.
      await latencyPhase(target, 1);
      const latency = await latencyPhase(target);
      const perSec = await throughputPhase(target);
      results[target.name] = { p50: latency.p50, p99: latency.p99, perSec };
      console.log(
        `${target.name.padEnd(6)} p50 ${latency.p50.toFixed(2)} ms  p99 ${latency.p99.toFixed(2)} ms  (${latency.received} delivered)  throughput ${perSec.toFixed(0)} msg/s`,
      );
      for (const pair of target.pairs) {
        pair.visitor.close();
        pair.agent.close();
      }
    }
    const writer = await writerPhases(
      services,
      sites.map((site) => site.id),
    );
    console.log(
      `writer p50 ${writer.p50.toFixed(2)} ms  p99 ${writer.p99.toFixed(2)} ms  throughput ${writer.perSec.toFixed(0)} msg/s  (the relay's storage path alone, no sockets)`,
    );
    const relay = results.relay!;
    const bare = results.bare!;
    const ratio = relay.perSec / bare.perSec;
    console.log(`ratio relay/bare throughput ${ratio.toFixed(2)}; relay p99 ${relay.p99.toFixed(2)} ms`);

    console.log(
      `realistic: ${SITES} sites × ${CONVERSATIONS_PER_SITE} conversations, ${AGENTS_PER_SITE} console agents per site`,
    );
    const realistic = await realisticSites(services, dbName);
    const onRelay = await relayFleet(relayProcess.url, realistic);
    const onPlain = await plainFleet(plainProcess.ready, realistic, onRelay);
    const describe = (name: string, r: ProfileResult) =>
      console.log(
        `${name.padEnd(6)} ${r.rate} msg/s: p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  max ${r.max.toFixed(1)} ms  ` +
          `(${r.delivered}/${r.expected} agent receipts, ${r.acked}/${r.sent} acked)  CPU ${r.cpuUsPerMessage.toFixed(0)} µs/msg (generator ${r.generatorCpuUsPerMessage.toFixed(0)})`,
      );
    const realRelay = await profile(onRelay, relayProcess.child);
    describe('relay', realRelay);
    const realPlain = await profile(onPlain, plainProcess.child);
    describe('plain', realPlain);
    const [relayPerSec, plainPerSec] = await saturateFleets(onRelay, onPlain);
    const vsPlain = relayPerSec / plainPerSec;
    console.log(
      `saturated (one send in flight per visitor): relay ${relayPerSec.toFixed(0)} msg/s, plain persisted ${plainPerSec.toFixed(0)} msg/s`,
    );
    console.log(
      `relay ÷ plain persisted ${vsPlain.toFixed(2)} (budget ≥ 3); realistic p99 ${realRelay.p99.toFixed(2)} ms (budget ≤ 25 ms)`,
    );
    closeFleet(onRelay);
    closeFleet(onPlain);
    console.log(
      JSON.stringify({
        pairs: PAIRS,
        rate: RATE,
        relayP50Ms: round(relay.p50),
        relayP99Ms: round(relay.p99),
        relayPersistedPerSec: Math.round(relay.perSec),
        bareP50Ms: round(bare.p50),
        bareP99Ms: round(bare.p99),
        barePerSec: Math.round(bare.perSec),
        writerP50Ms: round(writer.p50),
        writerP99Ms: round(writer.p99),
        writerPerSec: Math.round(writer.perSec),
        ratio: round(ratio),
        sites: SITES,
        conversations: onRelay.conversations.length,
        agentsPerSite: AGENTS_PER_SITE,
        realisticRate: realRelay.rate,
        realisticP50Ms: round(realRelay.p50),
        realisticP99Ms: round(realRelay.p99),
        realisticMaxMs: round(realRelay.max),
        realisticDelivered: realRelay.delivered,
        realisticExpected: realRelay.expected,
        relayCpuUsPerMessage: Math.round(realRelay.cpuUsPerMessage),
        generatorCpuUsPerMessage: Math.round(realRelay.generatorCpuUsPerMessage),
        plainRealisticP50Ms: round(realPlain.p50),
        plainRealisticP99Ms: round(realPlain.p99),
        plainCpuUsPerMessage: Math.round(realPlain.cpuUsPerMessage),
        realisticRelayPerSec: Math.round(relayPerSec),
        plainPersistedPerSec: Math.round(plainPerSec),
        vsPlainPersisted: round(vsPlain),
        withinBudget: realRelay.p99 <= 25 && vsPlain >= 3,
        // The machine's 1-minute load average at the start and the end (2 cores, shared).
        loadBefore: round(loadBefore),
        loadAfter: round(loadavg()[0]!),
      }),
    );
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

await main();
