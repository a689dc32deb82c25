#!/usr/bin/env node
// `pnpm start`: the whole product on a fresh clone. Builds the browser apps, starts the embedded
// database (unless MONGODB_URI is set), the relay (which serves the console and the widget) and
// the demo shop, then prints where everything is. Ctrl-C, or SIGTERM/SIGINT sent to this process
// alone, stops it all: each child runs in a process group of its own, and the whole group is
// signalled, so nothing is left holding a port.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The workspace's own pnpm (a devDependency), so this works outside `pnpm run` too.
const pnpm = existsSync(join(root, 'node_modules/.bin/pnpm')) ? join(root, 'node_modules/.bin/pnpm') : 'pnpm';
const relayPort = process.env.PORT ?? '3000';
const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${relayPort}`;
const shopPort = process.env.DEMO_SHOP_PORT ?? '4000';
const children = [];
let stopping = false;

/** A secret kept under .data, so signed links in emails survive a restart. */
function keptSecret(name) {
  const file = join(root, '.data', name);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

// Without SMTP_URL, the relay's built-in SMTP server is a local mail catcher: outbound mail lands
// there and shows in the console's Mailbox, and replies to it come back as a visitor's email would.
const mailEnv = process.env.SMTP_URL
  ? {}
  : {
      PARLEY_SMTP_PORT: process.env.PARLEY_SMTP_PORT ?? '2525',
      PARLEY_DEV_MAILBOX: process.env.PARLEY_DEV_MAILBOX ?? '1',
    };

function stop(code) {
  if (stopping) return;
  stopping = true;
  const running = children.reverse().filter((child) => child.exitCode === null && child.signalCode === null);
  const signal = (child, name) => {
    try {
      process.kill(-child.pid, name);
    } catch {
      // The group is already gone.
    }
  };
  for (const child of running) signal(child, 'SIGTERM');
  // A child that does not stop within 5 s is killed, so the ports are free when this exits.
  const force = setTimeout(() => {
    for (const child of running) signal(child, 'SIGKILL');
  }, 5_000);
  Promise.all(
    running.map((child) =>
      child.exitCode === null && child.signalCode === null
        ? new Promise((resolve) => child.once('exit', resolve))
        : null,
    ),
  ).then(() => {
    clearTimeout(force);
    process.exit(code);
  });
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0));

/** Starts a process, echoes its output with a prefix, and resolves with the first match of `ready`. */
function run(name, command, args, env, ready) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stop() reaches whatever it starts in turn.
    detached: true,
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let seen = '';
    const echo = (stream, out) =>
      stream.on('data', (chunk) => {
        const text = chunk.toString();
        for (const line of text.split('\n')) if (line.trim()) out.write(`[${name}] ${line}\n`);
        seen += text;
        const match = ready?.exec(seen);
        if (match) resolve(match[1]);
      });
    echo(child.stdout, process.stdout);
    echo(child.stderr, process.stderr);
    if (!ready) resolve(undefined);
    child.once('exit', (code) => {
      reject(new Error(`${name} exited with code ${code}`));
      if (!stopping) {
        console.error(`parley: ${name} stopped unexpectedly (code ${code}); stopping everything.`);
        stop(1);
      }
    });
  });
}

// `--no-build` starts what an earlier build left (the start test uses it beside running e2e tests).
const build = process.argv.includes('--no-build')
  ? { status: 0 }
  : spawnSync(pnpm, ['-r', '--if-present', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error(`parley: the build failed${build.error ? `: ${build.error.message}` : '; see above'}.`);
  process.exit(1);
}

try {
  let mongodbUri = process.env.MONGODB_URI;
  const dataDir = process.env.PARLEY_DB_DIR ?? join(root, '.data/db');
  if (!mongodbUri) {
    mongodbUri = await run(
      'db',
      process.execPath,
      ['apps/server/dist/embedded-main.js'],
      {
        PARLEY_DB_DIR: dataDir,
        PARLEY_DB_PORT: process.env.PARLEY_DB_PORT ?? '27117',
      },
      /PARLEY_DB_READY (\S+)/,
    );
  }
  await run(
    'relay',
    process.execPath,
    ['--enable-source-maps', 'apps/server/dist/main.js'],
    {
      MONGODB_URI: mongodbUri,
      PORT: relayPort,
      PUBLIC_URL: publicUrl,
      DEMO_SHOP_ORIGINS: `http://localhost:${shopPort},http://127.0.0.1:${shopPort}`,
      PARLEY_LINK_SECRET: process.env.PARLEY_LINK_SECRET ?? keptSecret('link-secret'),
      ...mailEnv,
    },
    /PARLEY_RELAY_READY (\S+)/,
  );
  // Node itself, not `pnpm start`: pnpm does not pass signals on to the process it runs.
  if (existsSync(join(root, 'apps/demo-shop/src/main.ts'))) {
    await run(
      'shop',
      process.execPath,
      ['--import', 'tsx', 'apps/demo-shop/src/main.ts'],
      { DEMO_SHOP_PORT: shopPort, PARLEY_URL: publicUrl },
      /DEMO_SHOP_READY (\S+)/,
    );
  }
  console.log(
    [
      '',
      'Parley is running:',
      `  relay      ${publicUrl}`,
      `  console    ${publicUrl}/console/`,
      `  demo shop  http://localhost:${shopPort}/`,
      `  mail       ${process.env.SMTP_URL ? 'SMTP_URL' : `catcher on smtp://127.0.0.1:${mailEnv.PARLEY_SMTP_PORT} (console → Mailbox)`}`,
      `  database   ${process.env.MONGODB_URI ? 'MONGODB_URI' : `${mongodbUri} (embedded, data in ${dataDir})`}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
} catch (error) {
  console.error(`parley: could not start: ${error.message}`);
  stop(1);
}
