#!/usr/bin/env node
// `pnpm test`: every check CI runs. Installs what the machine lacks for the browser, scale-out and
// failover tests (Debian's chromium, redis-server and haproxy) rather than skipping them, then
// typecheck, lint, all tests, size budgets.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The workspace's own pnpm (a devDependency), so this works outside `pnpm run` too.
const pnpm = existsSync(join(root, 'node_modules/.bin/pnpm')) ? join(root, 'node_modules/.bin/pnpm') : 'pnpm';
const SYSTEM_PACKAGES = [
  { binary: '/usr/bin/chromium', apt: 'chromium' },
  { binary: '/usr/bin/redis-server', apt: 'redis-server' },
  { binary: '/usr/sbin/haproxy', apt: 'haproxy' },
];

function step(title, command, args) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed`);
    process.exit(result.status ?? 1);
  }
}

const missing = SYSTEM_PACKAGES.filter((p) => !existsSync(p.binary));
if (missing.length > 0) {
  const names = missing.map((p) => p.apt);
  if (process.getuid?.() !== 0) {
    console.error(
      `The browser, scale-out and failover tests need ${names.join(', ')}. Install with: sudo apt-get install -y ${names.join(' ')}`,
    );
    process.exit(1);
  }
  step('apt-get update', 'apt-get', ['update', '-qq']);
  step(`apt-get install ${names.join(' ')}`, 'apt-get', ['install', '-y', '-qq', ...names]);
}

step('typecheck', pnpm, ['typecheck']);
step('lint', pnpm, ['lint']);
mkdirSync(join(root, '.tmp'), { recursive: true });
const report = join(root, '.tmp/vitest.json');
console.log('\n▶ tests');
const tests = spawnSync(
  pnpm,
  ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
const counts = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : null;
const summary = counts
  ? `${counts.numPassedTests} passed, ${counts.numFailedTests} failed, ${counts.numPendingTests} skipped`
  : '0 passed, 1 failed';
if (tests.status !== 0 || !counts) {
  console.log(summary);
  process.exit(tests.status || 1);
}

const widget = JSON.parse(readFileSync(join(root, 'packages/widget/package.json'), 'utf8'));
if (widget.scripts?.size) step('size budgets', pnpm, ['size']);
// Last line, for CI: the test counts.
console.log(`\n${summary}`);
