#!/usr/bin/env node
// `pnpm start`: the whole product on a fresh clone. Builds the browser apps, starts the embedded
// database (unless MONGODB_URI is set), the relay (which serves the console and the widget) and
// the demo shop, then prints where everything is. Ctrl-C stops it all.
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
  for (const child of children.reverse()) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

/** Starts a process, echoes its output with a prefix, and resolves with the first match of `ready`. */
function run(name, command, args, env, ready) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
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

const tsx = ['--import', 'tsx'];
const build = spawnSync(pnpm, ['-r', '--if-present', 'build'], { cwd: root, stdio: 'inherit' });
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
      [...tsx, 'apps/server/src/db/embedded-main.ts'],
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
    [...tsx, 'apps/server/src/main.ts'],
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
  const shop = JSON.parse(readFileSync(join(root, 'apps/demo-shop/package.json'), 'utf8'));
  if (shop.scripts?.start && existsSync(join(root, 'apps/demo-shop'))) {
    await run('shop', pnpm, ['--filter', '@parley/demo-shop', 'start'], {
      DEMO_SHOP_PORT: shopPort,
      PARLEY_URL: publicUrl,
    });
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
