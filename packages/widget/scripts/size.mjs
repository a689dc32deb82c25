// `pnpm size`: builds the widget and prints what each part costs gzipped: the loader (on every
// page), what the first open loads (host.js + the app's entry, its static imports and CSS) and
// every lazy chunk. Exits non-zero above the budgets; the last line is one JSON object.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const LOADER_BUDGET = 1536; // 1.5 KB
const FIRST_OPEN_BUDGET = 25 * 1024; // 25 KB

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const app = join(dist, 'app');

execFileSync('pnpm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

const gzip = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const manifest = JSON.parse(readFileSync(join(app, '.vite', 'manifest.json'), 'utf8'));
const [entryKey] = Object.entries(manifest).find(([, chunk]) => chunk.isEntry);

const firstOpen = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || firstOpen.has(chunk.file)) return;
  firstOpen.add(chunk.file);
  for (const css of chunk.css ?? []) firstOpen.add(css);
  for (const imported of chunk.imports ?? []) visit(imported);
};
visit(entryKey);
for (const file of readdirSync(app)) if (file.endsWith('.css')) firstOpen.add(file);

const loader = gzip(join(dist, 'loader.js'));
const host = gzip(join(dist, 'host.js'));
const firstOpenFiles = [...firstOpen].map((file) => ({ file, bytes: gzip(join(app, file)) }));
const firstOpenTotal = host + firstOpenFiles.reduce((sum, f) => sum + f.bytes, 0);
const lazy = readdirSync(app)
  .filter((file) => file.endsWith('.js') && !firstOpen.has(file))
  .map((file) => ({ file, bytes: gzip(join(app, file)) }))
  .sort((a, b) => b.bytes - a.bytes);

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
const row = (name, bytes, note = '') => console.log(`  ${name.padEnd(34)} ${kb(bytes).padStart(9)}  ${note}`);
console.log('Parley widget, gzip -9:');
row('loader.js (every page)', loader, `budget ${kb(LOADER_BUDGET)}`);
console.log('first open:');
row('host.js', host);
for (const f of firstOpenFiles) row(f.file, f.bytes);
row('total', firstOpenTotal, `budget ${kb(FIRST_OPEN_BUDGET)}`);
console.log('lazy chunks:');
for (const f of lazy) row(f.file, f.bytes);

const over = [];
if (loader > LOADER_BUDGET) over.push(`loader ${loader} B > ${LOADER_BUDGET} B`);
if (firstOpenTotal > FIRST_OPEN_BUDGET) over.push(`first open ${firstOpenTotal} B > ${FIRST_OPEN_BUDGET} B`);
for (const problem of over) console.error(`over budget: ${problem}`);
console.log(
  JSON.stringify({
    loaderBytes: loader,
    loaderBudget: LOADER_BUDGET,
    firstOpenBytes: firstOpenTotal,
    firstOpenBudget: FIRST_OPEN_BUDGET,
    lazyChunks: Object.fromEntries(lazy.map((f) => [f.file.replace(/-[\w-]{8}\.js$/, ''), f.bytes])),
    ok: over.length === 0,
  }),
);
process.exitCode = over.length === 0 ? 0 : 1;
