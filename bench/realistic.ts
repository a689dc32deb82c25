// The relay bench's realistic profile: SITES sites × CONVERSATIONS_PER_SITE visitors, each
// sending one message every SEND_EVERY_MS (2,000 × 1 per 2 s = 1,000 msg/s by default), evenly
// paced, while AGENTS_PER_SITE agents per site hold the console's connection (session cookie,
// the relay's own origin) and receive every message of their site. The same fleet runs against
// the relay and against a plain persisted Socket.IO relay (plain-server.ts), in the same run.
// Clients are raw WebSockets with pre-built frames (raw-socket.ts), so the generator stays light
// beside the servers on the same cores.
import type { ChildProcess } from 'node:child_process';
import type { Services } from '../apps/server/src/services';
import { RawSocket } from './raw-socket';

export const SITES = Number(process.env.BENCH_SITES ?? 10);
export const CONVERSATIONS_PER_SITE = Number(process.env.BENCH_CONVERSATIONS_PER_SITE ?? 200);
export const AGENTS_PER_SITE = Number(process.env.BENCH_AGENTS_PER_SITE ?? 20);
const SEND_EVERY_MS = Number(process.env.BENCH_SEND_EVERY_MS ?? 2000);
const SECONDS = Number(process.env.BENCH_REALISTIC_SECONDS ?? 20);
const WARM_SECONDS = 3;
/** Seconds per saturation round; each target gets two rounds, alternating. */
const SATURATE_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** Handshakes in flight while the fleet connects. */
const CONNECTING = 50;
const BODY = ' Hi, is the blue jacket still in stock in size M? I would like it by Friday."}]';
const PASSWORD = 'bench-password-not-secret';

export const VISITOR_ORIGIN = 'http://bench.test';
/** The relay's PUBLIC_URL in the bench: the console's pages, and so its sockets, come from there. */
export const CONSOLE_ORIGIN = 'http://console.bench.test';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: Float64Array, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;

/** Runs `task` for 0..count-1 with at most `limit` at once. */
async function pooled<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const work = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: limit }, work));
  return results;
}

export interface RealisticSites {
  sites: { id: string; key: string; sessions: string[] }[];
}

/** The sites, and their agents signed in with a password as in the console (one session each). */
export async function realisticSites(services: Services, dbName: string): Promise<RealisticSites> {
  const sites = await Promise.all(
    Array.from({ length: SITES }, async (_, s) => {
      const site = await services.sites.create({ name: `Realistic ${s}`, allowedOrigins: [VISITOR_ORIGIN] });
      const sessions = await pooled(AGENTS_PER_SITE, 4, async (a) => {
        const email = `real-${s}-${a}-${dbName}@bench.test`;
        await services.agents.create({
          email,
          name: `Agent ${s}.${a}`,
          role: 'agent',
          siteIds: [site.id],
          password: PASSWORD,
        });
        const signedIn = await services.agents.signIn(email, PASSWORD);
        if (!signedIn) throw new Error(`could not sign in ${email}`);
        return signedIn.session;
      });
      return { id: site.id, key: site.publicKey, sessions };
    }),
  );
  return { sites };
}

interface Conversation {
  visitor: RawSocket;
  /** The send frame up to its ack id, and from the ack id up to the body's timestamp. */
  head: string;
  middle: string;
  sent: number;
}

/** One server's connected visitors (one conversation each) and agents. */
export interface Fleet {
  name: string;
  conversations: Conversation[];
  agents: RawSocket[];
}

const conversationOf = (visitor: RawSocket, index: number, conversationId: string): Conversation => ({
  visitor,
  head: '42/visitor,',
  middle: `["message:send",{"conversationId":"${conversationId}","clientMsgId":"bench-${index}-`,
  sent: 0,
});

/** When a message in `frame` (an event or an ack carrying it) was sent, from its body. */
function sentAtOf(frame: string): number {
  const at = frame.indexOf('"body":"') + 8;
  return Number(frame.slice(at, frame.indexOf(' ', at)));
}

/** Sends the conversation's next message, stamped with the time it leaves. */
function send(conversation: Conversation): void {
  const k = conversation.sent++;
  const id = conversation.visitor.takeAckId();
  conversation.visitor.send(
    `${conversation.head}${id}${conversation.middle}${k}","body":"${performance.now()}${BODY}`,
  );
}

/**
 * The fleet on the relay: agents connect as the console does (its session cookie, from the
 * relay's origin, no auth fields), visitors as the widget does, and each visitor starts one
 * conversation. Conversation i belongs to site i % SITES.
 */
export async function relayFleet(url: string, { sites }: RealisticSites): Promise<Fleet> {
  const agents = await pooled(SITES * AGENTS_PER_SITE, CONNECTING, (i) =>
    RawSocket.connect({
      url,
      namespace: '/agent',
      auth: {},
      headers: {
        origin: CONSOLE_ORIGIN,
        cookie: `parley_session=${sites[i % SITES]!.sessions[Math.floor(i / SITES)]}`,
      },
    }),
  );
  const conversations = await pooled(SITES * CONVERSATIONS_PER_SITE, CONNECTING, async (i) => {
    const site = sites[i % SITES]!;
    const visitor = await RawSocket.connect({
      url,
      namespace: '/visitor',
      auth: { siteKey: site.key },
      query: { siteKey: site.key },
      headers: { origin: VISITOR_ORIGIN },
    });
    const started = (await visitor.emitWithAck('conversation:start', { startKey: `realistic-${i}` })) as {
      ok: boolean;
      message?: string;
      conversation?: { id: string };
    };
    if (!started.ok || !started.conversation) throw new Error(`conversation:start: ${started.message}`);
    return conversationOf(visitor, i, started.conversation.id);
  });
  return { name: 'relay', conversations, agents };
}

/** The same fleet on the plain server, over the relay's conversation ids (it has no start step). */
export async function plainFleet(url: string, { sites }: RealisticSites, relay: Fleet): Promise<Fleet> {
  const agents = await pooled(SITES * AGENTS_PER_SITE, CONNECTING, (i) =>
    RawSocket.connect({ url, namespace: '/agent', auth: { siteKey: sites[i % SITES]!.key } }),
  );
  const conversations = await pooled(relay.conversations.length, CONNECTING, async (i) => {
    const siteKey = sites[i % SITES]!.key;
    const visitor = await RawSocket.connect({ url, namespace: '/visitor', auth: { siteKey } });
    const conversationId = /"conversationId":"(\w+)"/.exec(relay.conversations[i]!.middle)![1]!;
    return conversationOf(visitor, i, conversationId);
  });
  return { name: 'plain', conversations, agents };
}

export function closeFleet(fleet: Fleet): void {
  for (const { visitor } of fleet.conversations) visitor.close();
  for (const agent of fleet.agents) agent.close();
}

/** The process's CPU time so far in µs, as its cpu-probe.ts reports it. */
export function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      const match = /BENCH_CPU (\d+)/.exec(chunk.toString());
      if (!match) return;
      child.stdout?.off('data', onData);
      resolve(Number(match[1]));
    };
    child.stdout?.on('data', onData);
    child.kill('SIGUSR2');
  });
}

/** Calls `next()` `total` times, evenly over `total / perSec` seconds (a timer tick per ms, no bursts). */
function paced(total: number, perSec: number, next: () => void): Promise<void> {
  const started = performance.now();
  let done = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * perSec) / 1000) + 1);
      while (done < due) {
        next();
        done++;
      }
      if (done < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
}

export interface ProfileResult {
  rate: number;
  sent: number;
  acked: number;
  refused: number;
  /** Agent receipts of measured messages, and how many there should be (sent × agents per site). */
  delivered: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
  cpuUsPerMessage: number;
  /** The load generator's own CPU (this process) per message, over the same seconds. */
  generatorCpuUsPerMessage: number;
}

/**
 * WARM_SECONDS, then SECONDS of the realistic load on `fleet`: latency is each agent's receipt
 * of a message minus the moment its visitor sent it; CPU is the server process's over the
 * measured seconds (until the last receipt), divided by the messages sent in them.
 */
export async function profile(fleet: Fleet, server: ChildProcess): Promise<ProfileResult> {
  const n = fleet.conversations.length;
  const rate = (n * 1000) / SEND_EVERY_MS;
  const total = Math.round(rate * SECONDS);
  const expected = total * AGENTS_PER_SITE;
  const latencies = new Float64Array(expected);
  let delivered = 0;
  let measuredFrom = Number.POSITIVE_INFINITY;
  let acked = 0;
  let refused = 0;
  let firstRefusal = '';
  let allIn: () => void = () => {};
  for (const agent of fleet.agents) {
    agent.onFrame = (frame) => {
      if (!frame.startsWith('42/agent,["message",')) return;
      const sentAt = sentAtOf(frame);
      if (sentAt < measuredFrom || delivered >= expected) return;
      latencies[delivered++] = performance.now() - sentAt;
      if (delivered === expected) allIn();
    };
  }
  for (const { visitor } of fleet.conversations) {
    visitor.onFrame = (frame) => {
      if (!frame.startsWith('43/visitor,')) return;
      if (frame.includes('"ok":true')) {
        if (sentAtOf(frame) >= measuredFrom) acked++;
      } else {
        refused++;
        firstRefusal ||= frame;
      }
    };
  }
  let c = 0;
  const next = () => send(fleet.conversations[c++ % n]!);
  await paced(Math.round(rate * WARM_SECONDS), rate, next);
  await sleep(500);
  refused = 0;
  const cpuBefore = await cpuOf(server);
  const generatorBefore = process.cpuUsage();
  measuredFrom = performance.now();
  await paced(total, rate, next);
  await Promise.race([new Promise<void>((resolve) => (allIn = resolve)), sleep(5000)]);
  const cpuUsed = (await cpuOf(server)) - cpuBefore;
  const generator = process.cpuUsage(generatorBefore);
  await sleep(200);
  if (firstRefusal)
    console.log(`${fleet.name}: ${refused} sends refused, first: ${firstRefusal.slice(0, 200)}`);
  const sorted = latencies.subarray(0, delivered).sort();
  return {
    rate,
    sent: total,
    acked,
    refused,
    delivered,
    expected,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    cpuUsPerMessage: cpuUsed / total,
    generatorCpuUsPerMessage: (generator.user + generator.system) / total,
  };
}

/** Every visitor of `fleet` sends its next message as soon as the last one is acked, for `seconds`. */
function saturateOnce(fleet: Fleet, seconds: number): Promise<{ acked: number; ms: number }> {
  let acked = 0;
  let running = true;
  for (const agent of fleet.agents) agent.onFrame = () => {};
  for (const conversation of fleet.conversations) {
    conversation.visitor.onFrame = (frame) => {
      if (!frame.startsWith('43/visitor,')) return;
      if (running && frame.includes('"ok":true')) acked++;
      if (running) send(conversation);
    };
  }
  const started = performance.now();
  for (const conversation of fleet.conversations) send(conversation);
  return sleep(seconds * 1000).then(async () => {
    running = false;
    const ms = performance.now() - started;
    await sleep(2000); // the last sends in flight are answered before the other target starts
    return { acked, ms };
  });
}

/**
 * Persisted messages per second with every visitor keeping one send in flight: two rounds on
 * each fleet, alternating, so a busier moment of the machine does not land on one target only.
 */
export async function saturateFleets(a: Fleet, b: Fleet): Promise<[number, number]> {
  const totals = [a, b].map(() => ({ acked: 0, ms: 0 }));
  for (let round = 0; round < 2; round++) {
    for (const [i, fleet] of [a, b].entries()) {
      const { acked, ms } = await saturateOnce(fleet, SATURATE_SECONDS);
      totals[i]!.acked += acked;
      totals[i]!.ms += ms;
    }
  }
  const [first, second] = totals.map(({ acked, ms }) => acked / (ms / 1000));
  return [first!, second!];
}
