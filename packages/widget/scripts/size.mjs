// `pnpm size`: builds the widget and the relay, starts the compiled relay (over a throwaway
// embedded engine) on a free port, and prints the bytes it sends for each part, asked with
// Accept-Encoding br, gzip and none: the loader (on every page), what the first open loads
// (host.js + the app's entry, its static imports and CSS) and every lazy chunk. The budgets are
// on the gzip bytes as served; exits non-zero above them. The last line is one JSON object.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LOADER_BUDGET = 1536; // 1.5 KB
const FIRST_OPEN_BUDGET = 25 * 1024; // 25 KB
const ENCODINGS = ['br', 'gzip', 'identity'];

const root = fileURLToPath(new URL('..', import.meta.url));
const server = fileURLToPath(new URL('../../../apps/server/', import.meta.url));
const dist = join(root, 'dist');
const app = join(dist, 'app');

execFileSync('pnpm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
execFileSync(process.execPath, [join(server, 'scripts/build.mjs')], {
  stdio: ['ignore', 'ignore', 'inherit'],
});

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
const built = readdirSync(app).filter((file) => !file.startsWith('.') && !/\.(br|gz)$/.test(file));
for (const file of built) if (file.endsWith('.css')) firstOpen.add(file);
const lazy = built.filter((file) => file.endsWith('.js') && !firstOpen.has(file));

/** Starts `args` under Node and resolves with the first capture of `ready` in its output. */
function started(children, name, args, env, ready) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'pipe' });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const read = (chunk) => {
      output += chunk;
      const match = ready.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${output}`)));
  });
}

/** The bytes the relay sends for `path` when asked with this Accept-Encoding, as they come (not decoded). */
function served(base, path, encoding) {
  const headers = encoding === 'identity' ? {} : { 'accept-encoding': encoding };
  return new Promise((resolve, reject) => {
    get(new URL(path, base), { headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => {
        bytes += chunk.length;
      });
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${path}: HTTP ${res.statusCode}`));
        else resolve({ bytes, encoding: res.headers['content-encoding'] ?? 'identity' });
      });
    }).on('error', reject);
  });
}

/** { br, gzip, identity } bytes on the wire for one path; a file too small for copies goes as identity. */
async function measure(base, path) {
  const sizes = {};
  for (const encoding of ENCODINGS) {
    const answer = await served(base, path, encoding);
    if (answer.encoding !== encoding && answer.encoding !== 'identity') {
      throw new Error(`${path}: asked for ${encoding}, sent ${answer.encoding}`);
    }
    sizes[encoding] = answer.bytes;
  }
  return sizes;
}

const children = [];
const dbDir = mkdtempSync(join(tmpdir(), 'parley-size-db-'));
let report;
try {
  const mongodbUri = await started(
    children,
    'embedded engine',
    [join(server, 'dist/embedded-main.js')],
    { PARLEY_DB_DIR: dbDir, PARLEY_DB_PORT: '0' },
    /PARLEY_DB_READY (\S+)/,
  );
  const relay = await started(
    children,
    'relay',
    [join(server, 'dist/main.js')],
    { MONGODB_URI: mongodbUri, HOST: '127.0.0.1', PORT: '0', PARLEY_WIDGET_DIR: dist },
    /PARLEY_RELAY_READY (\S+)/,
  );
  report = {
    loader: await measure(relay, '/widget/loader.js'),
    host: await measure(relay, '/widget/host.js'),
    firstOpen: [],
    lazy: [],
  };
  for (const file of firstOpen)
    report.firstOpen.push({ file, ...(await measure(relay, `/widget/app/${file}`)) });
  for (const file of lazy) report.lazy.push({ file, ...(await measure(relay, `/widget/app/${file}`)) });
} finally {
  for (const child of children.reverse()) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dbDir, { recursive: true, force: true });
}

const total = (parts, encoding) => parts.reduce((sum, part) => sum + part[encoding], 0);
const firstOpenParts = [report.host, ...report.firstOpen];
const firstOpenTotal = Object.fromEntries(ENCODINGS.map((e) => [e, total(firstOpenParts, e)]));
report.lazy.sort((a, b) => b.gzip - a.gzip);

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`.padStart(9);
const row = (name, sizes, note = '') =>
  console.log(`  ${name.padEnd(34)} ${ENCODINGS.map((e) => kb(sizes[e])).join(' ')}  ${note}`);
console.log(
  `Parley widget, bytes as the relay serves them:\n  ${''.padEnd(34)} ${ENCODINGS.map((e) => e.padStart(9)).join(' ')}`,
);
row('loader.js (every page)', report.loader, `budget ${kb(LOADER_BUDGET).trim()} gzip`);
console.log('first open:');
row('host.js', report.host);
for (const part of report.firstOpen) row(part.file, part);
row('total', firstOpenTotal, `budget ${kb(FIRST_OPEN_BUDGET).trim()} gzip`);
console.log('lazy chunks:');
for (const part of report.lazy) row(part.file, part);

const over = [];
if (report.loader.gzip > LOADER_BUDGET) over.push(`loader ${report.loader.gzip} B > ${LOADER_BUDGET} B`);
if (firstOpenTotal.gzip > FIRST_OPEN_BUDGET) {
  over.push(`first open ${firstOpenTotal.gzip} B > ${FIRST_OPEN_BUDGET} B`);
}
for (const problem of over) console.error(`over budget (gzip as served): ${problem}`);
// Names without their content hash (`first-open.js`, `main.css`), so runs compare.
const chunkName = (file) => file.replace(/-[\w-]{8}(\.(js|css))$/, '$1');
const sizes = (part) => ({ br: part.br, gzip: part.gzip, identity: part.identity });
console.log(
  JSON.stringify({
    loaderBytes: report.loader.gzip,
    loaderBrBytes: report.loader.br,
    loaderIdentityBytes: report.loader.identity,
    loaderBudget: LOADER_BUDGET,
    firstOpenBytes: firstOpenTotal.gzip,
    firstOpenBrBytes: firstOpenTotal.br,
    firstOpenIdentityBytes: firstOpenTotal.identity,
    firstOpenBudget: FIRST_OPEN_BUDGET,
    host: report.host,
    firstOpen: Object.fromEntries(report.firstOpen.map((part) => [chunkName(part.file), sizes(part)])),
    lazyChunks: Object.fromEntries(report.lazy.map((part) => [chunkName(part.file), sizes(part)])),
    ok: over.length === 0,
  }),
);
process.exitCode = over.length === 0 ? 0 : 1;
