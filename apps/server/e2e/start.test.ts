// `pnpm start` as a process manager runs it: SIGTERM or SIGINT sent to the start process alone
// (not its group) stops every child, so every port it used is free again.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../src/testing';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
let started: ChildProcess | undefined;
const folders: string[] = [];
afterEach(() => {
  if (started?.exitCode === null) started.kill('SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

async function startEverything() {
  const ports = {
    PORT: await freePort(),
    DEMO_SHOP_PORT: await freePort(),
    PARLEY_SMTP_PORT: await freePort(),
    PARLEY_DB_PORT: await freePort(),
  };
  const folder = mkdtempSync(join(tmpdir(), 'parley-start-'));
  folders.push(folder);
  const env: NodeJS.ProcessEnv = { ...process.env, PARLEY_DB_DIR: join(folder, 'db') };
  for (const [name, port] of Object.entries(ports)) env[name] = String(port);
  delete env.MONGODB_URI;
  const child = spawn(process.execPath, ['scripts/start.mjs', '--no-build'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started = child;
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`start did not finish:\n${output}`)), 90_000);
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Parley is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => reject(new Error(`start exited with ${code}:\n${output}`)));
  });
  for (const port of Object.values(ports)) expect(await portIsFree(port)).toBe(false);
  return { child, ports: Object.values(ports) };
}

describe('pnpm start', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops every child when only the start process gets ${signal}`, async () => {
      const { child, ports } = await startEverything();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid!, signal);
      await exited;
      for (const port of ports) expect(await portIsFree(port)).toBe(true);
    }, 120_000);
  }
});
