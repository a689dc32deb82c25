// pnpm bench:sockets — opens N visitor sockets (BENCH_SOCKETS, default 10,000) through the real
// handshake (site key, origin, token minted) and reports the relay's RSS per connected socket and
// the handshake rate, next to a bare Socket.IO server holding as many sockets. Client sockets are
// spread over child processes; last line is JSON with `sockets` and `kbPerSocket`. A process here
// may hold at most 20,000 file descriptors (the hard RLIMIT_NOFILE, which root cannot raise in
// this sandbox), so one relay cannot hold 20,000 sockets plus its own files on these machines.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { spawnReady } from '../apps/server/src/testing/process';
import { benchServices, benchStore, type Cleanups } from './store';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 10_000);
/** Sockets per client process: each holds one file descriptor per socket. */
const PER_CLIENT = 5_000;
/** Handshakes in flight per client process. */
const IN_FLIGHT = 50;
const ORIGIN = 'http://bench.test';
const HERE = fileURLToPath(import.meta.url);
const RELAY_MAIN = fileURLToPath(new URL('../apps/server/src/main.ts', import.meta.url));
const BARE = fileURLToPath(new URL('./bare-server.ts', import.meta.url));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rssKb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

interface OpenOrder {
  url: string;
  count: number;
  visitor: { siteKey: string } | null;
}

/** A client process: opens `count` sockets, reports, holds them until told to close. */
async function client(order: OpenOrder): Promise<void> {
  const sockets: Socket[] = [];
  let failed = 0;
  let next = 0;
  const open = async () => {
    while (next < order.count) {
      next++;
      const socket = order.visitor
        ? io(`${order.url}/visitor`, {
            transports: ['websocket'],
            forceNew: true,
            reconnection: false,
            query: { siteKey: order.visitor.siteKey },
            auth: { siteKey: order.visitor.siteKey },
            extraHeaders: { origin: ORIGIN },
          })
        : io(order.url, { transports: ['websocket'], forceNew: true, reconnection: false });
      const ok = await new Promise<boolean>((resolve) => {
        socket.once('connect', () => resolve(true));
        socket.once('connect_error', () => resolve(false));
      });
      if (ok) sockets.push(socket);
      else {
        failed++;
        socket.close();
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, open));
  process.send!({ opened: sockets.length, failed });
  process.once('message', () => {
    for (const socket of sockets) socket.close();
    process.exit(0);
  });
}

/** Opens SOCKETS sockets at `url` from child processes; answers what the server holds. */
async function hold(name: string, pid: number, url: string, visitor: OpenOrder['visitor']) {
  await sleep(2_000);
  const before = rssKb(pid);
  const started = performance.now();
  const clients = Array.from({ length: Math.ceil(SOCKETS / PER_CLIENT) }, (_, i) => {
    const count = Math.min(PER_CLIENT, SOCKETS - i * PER_CLIENT);
    const child = fork(HERE, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_ROLE: 'client' },
    });
    const report = new Promise<{ opened: number; failed: number }>((resolve, reject) => {
      child.once('message', (message) => resolve(message as { opened: number; failed: number }));
      child.once('exit', (code) => reject(new Error(`client exited with ${code}`)));
    });
    child.send({ url, count, visitor } satisfies OpenOrder);
    return { child, report };
  });
  const reports = await Promise.all(clients.map((c) => c.report));
  const seconds = (performance.now() - started) / 1000;
  const opened = reports.reduce((sum, r) => sum + r.opened, 0);
  const failed = reports.reduce((sum, r) => sum + r.failed, 0);
  // Let the handshakes' garbage settle before reading what the sockets themselves hold.
  await sleep(5_000);
  const after = rssKb(pid);
  for (const c of clients) {
    c.child.removeAllListeners('exit');
    c.child.send('close');
  }
  const result = {
    opened,
    failed,
    handshakesPerSec: Math.round(opened / seconds),
    rssBeforeMb: Math.round(before / 1024),
    rssAfterMb: Math.round(after / 1024),
    kbPerSocket: Math.round(((after - before) / Math.max(1, opened)) * 10) / 10,
  };
  console.log(
    `${name}: ${opened} sockets held (${failed} refused), ${result.handshakesPerSec} handshakes/s, ` +
      `RSS ${result.rssBeforeMb} → ${result.rssAfterMb} MB, ${result.kbPerSocket} KB per socket`,
  );
  await sleep(1_000);
  return result;
}

async function main() {
  const cleanups: Cleanups = [];
  try {
    const uri = await benchStore(cleanups);
    const dbName = `bench_sockets_${Date.now()}`;
    const services = await benchServices(uri, dbName, cleanups);
    const site = await services.sites.create({ name: 'Bench', allowedOrigins: [ORIGIN] });

    // Every socket comes from 127.0.0.1 here, so the per-address socket cap is lifted for the bench.
    const relay = await spawnReady(
      'relay',
      process.execPath,
      ['--import', 'tsx', RELAY_MAIN],
      {
        HOST: '127.0.0.1',
        MONGODB_URI: uri,
        MONGODB_DB: dbName,
        PORT: '0',
        PARLEY_SOCKETS_PER_ADDRESS: String(SOCKETS * 2),
      },
      /PARLEY_RELAY_READY (\S+)/,
    );
    cleanups.push(() => relay.stop());
    const relayResult = await hold('relay', relay.child.pid!, relay.ready, { siteKey: site.publicKey });
    await relay.stop();

    const bare = await spawnReady(
      'bare server',
      process.execPath,
      ['--import', 'tsx', BARE],
      {},
      /BARE_READY (\S+)/,
    );
    cleanups.push(() => bare.stop());
    const bareResult = await hold('bare', bare.child.pid!, bare.ready, null);

    console.log(
      JSON.stringify({
        sockets: relayResult.opened,
        refused: relayResult.failed,
        kbPerSocket: relayResult.kbPerSocket,
        handshakesPerSec: relayResult.handshakesPerSec,
        relayRssMb: relayResult.rssAfterMb,
        bareKbPerSocket: bareResult.kbPerSocket,
        bareHandshakesPerSec: bareResult.handshakesPerSec,
      }),
    );
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

if (process.env.BENCH_ROLE === 'client') {
  process.once('message', (order) => void client(order as OpenOrder));
} else {
  await main();
  process.exit(0);
}
