// pnpm bench:smtp-flood — streams one huge message (600 MB by default) at the relay's built-in SMTP
// server and samples the relay process's RSS the whole time. Prints the figures and the server's
// answer; last line is JSON.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { smtpSession } from '../apps/server/src/email/testing';
import { spawnRelay } from '../apps/server/src/testing/process';
import { benchStore, type Cleanups } from './store';

const MEGABYTES = Number(process.env.BENCH_FLOOD_MB ?? 600);
const LINE = `${'x'.repeat(998)}\r\n`;
const CHUNK = Buffer.from(LINE.repeat(64));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function flood(port: number): Promise<{ answer: string; seconds: number }> {
  const smtp = await smtpSession(port);
  await smtp.command('EHLO bench.test');
  await smtp.command('MAIL FROM:<flood@bench.test>');
  const rcpt = await smtp.command('RCPT TO:<someone@example.com>');
  if (!rcpt.startsWith('250')) throw new Error(`recipient refused: ${rcpt}`);
  await smtp.command('DATA');
  const started = performance.now();
  await smtp.write('From: flood@bench.test\r\nTo: someone@example.com\r\nSubject: flood\r\n\r\n');
  const chunks = Math.ceil((MEGABYTES * 1024 * 1024) / CHUNK.length);
  for (let i = 0; i < chunks; i++) await smtp.write(CHUNK);
  const answer = await smtp.command('\r\n.');
  const seconds = (performance.now() - started) / 1000;
  smtp.close();
  return { answer, seconds };
}

async function main() {
  const cleanups: Cleanups = [];
  try {
    const uri = await benchStore(cleanups);
    const smtpPort = await freePort();
    // As `pnpm start` runs it: the built-in server is the dev Mailbox and takes any recipient.
    const relay = await spawnRelay({
      MONGODB_URI: uri,
      MONGODB_DB: `bench_smtp_${Date.now()}`,
      PORT: '0',
      PARLEY_SMTP_PORT: String(smtpPort),
      PARLEY_DEV_MAILBOX: '1',
    });
    cleanups.push(() => relay.kill());
    const pid = relay.child.pid!;
    await new Promise((settle) => setTimeout(settle, 1_000));
    const rssBeforeMB = rssMB(pid);
    let rssPeakMB = rssBeforeMB;
    const sampler = setInterval(() => {
      rssPeakMB = Math.max(rssPeakMB, rssMB(pid));
    }, 20);
    console.log(`smtp flood: ${MEGABYTES} MB in one message at port ${smtpPort}, relay pid ${pid}`);
    const { answer, seconds } = await flood(smtpPort);
    await new Promise((settle) => setTimeout(settle, 500));
    clearInterval(sampler);
    const rssAfterMB = rssMB(pid);
    const round = (n: number) => Math.round(n);
    console.log(`answer: ${answer}`);
    console.log(
      `relay RSS before ${round(rssBeforeMB)} MB, peak ${round(rssPeakMB)} MB, after ${round(rssAfterMB)} MB; streamed in ${seconds.toFixed(1)} s`,
    );
    console.log(
      JSON.stringify({
        streamedMB: MEGABYTES,
        rssBeforeMB: round(rssBeforeMB),
        rssPeakMB: round(rssPeakMB),
        rssAfterMB: round(rssAfterMB),
        growthMB: round(rssPeakMB - rssBeforeMB),
        answer: answer.slice(0, 3),
        seconds: Number(seconds.toFixed(1)),
      }),
    );
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
