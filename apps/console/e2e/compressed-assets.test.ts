// @vitest-environment node
// Everything the relay serves to browsers goes out compressed: each built file of the widget
// (loader, host script, app chunks and styles) and of the console (index.html and its assets) is
// fetched from a real relay, as this test run built them, with and without Accept-Encoding. The
// bytes on the wire, decoded, must be the file on disk; the headers must say how they were sent.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestRelay } from '@parley/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const WIDGET = fileURLToPath(new URL('../../../packages/widget/dist', import.meta.url));
const CONSOLE = fileURLToPath(new URL('../dist', import.meta.url));
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Asset {
  url: string;
  /** The file on disk; its copies sit beside it as `.br` and `.gz`. */
  file: string;
  cacheControl: string;
  type: string;
}

const builtFiles = (dir: string) =>
  readdirSync(dir).filter((name) => !name.startsWith('.') && !/\.(br|gz)$/.test(name));
const typeOf = (file: string) =>
  ({ js: 'text/javascript', css: 'text/css', html: 'text/html' })[file.split('.').pop() ?? ''];

function assets(widgetDir: string, consoleDir: string): Asset[] {
  const list: Asset[] = ['loader.js', 'host.js'].map((name) => ({
    url: `/widget/${name}`,
    file: join(widgetDir, name),
    cacheControl: 'public, max-age=300',
    type: 'text/javascript',
  }));
  for (const name of builtFiles(join(widgetDir, 'app'))) {
    list.push({
      url: `/widget/app/${name}`,
      file: join(widgetDir, 'app', name),
      cacheControl: IMMUTABLE,
      type: typeOf(name) ?? '',
    });
  }
  list.push({
    url: '/console/',
    file: join(consoleDir, 'index.html'),
    cacheControl: 'no-cache',
    type: 'text/html',
  });
  for (const name of builtFiles(join(consoleDir, 'assets'))) {
    list.push({
      url: `/console/assets/${name}`,
      file: join(consoleDir, 'assets', name),
      cacheControl: IMMUTABLE,
      type: typeOf(name) ?? '',
    });
  }
  return list;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as they came over the wire, not decoded. */
  body: Buffer;
}

/**
 * One request with node:http, which (unlike fetch) hands back the body exactly as sent, and sends
 * the path as written (a URL object would resolve `%2e%2e` before it left).
 */
function call(base: string, path: string, headers: Record<string, string> = {}, method = 'GET') {
  const { hostname, port } = new URL(base);
  return new Promise<Answer>((resolve, reject) => {
    const sent = request({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    sent.on('error', reject);
    sent.end();
  });
}

const decode = (answer: Answer) =>
  answer.headers['content-encoding'] === 'br'
    ? brotliDecompressSync(answer.body)
    : answer.headers['content-encoding'] === 'gzip'
      ? gunzipSync(answer.body)
      : answer.body;

// Each Accept-Encoding with the codings it should get, best first; an asset gets the first of
// them its build has a copy of (identity always exists).
const CASES: [string | undefined, string[]][] = [
  ['gzip, deflate, br, zstd', ['br', 'gzip', 'identity']], // Chromium's: br wins the tie
  ['br', ['br', 'identity']],
  ['gzip', ['gzip', 'identity']],
  [undefined, ['identity']],
  ['br;q=0, gzip', ['gzip', 'identity']],
  ['br;q=0.5, gzip;q=1', ['gzip', 'br', 'identity']],
  ['gzip;q=0, br;q=0', ['identity']],
  ['br;q=0, *', ['gzip', 'identity']],
  ['identity', ['identity']],
  ['identity;q=0, gzip', ['gzip', 'identity']],
];

const copyOf = (file: string, encoding: string) =>
  encoding === 'identity' ? file : `${file}${encoding === 'br' ? '.br' : '.gz'}`;

let relay: Awaited<ReturnType<typeof startTestRelay>>['relay'];
beforeAll(async () => {
  ({ relay } = await startTestRelay({ widgetDir: WIDGET, consoleDir: CONSOLE }));
});
afterAll(() => relay.close());

describe('compressed assets', () => {
  it('has brotli and gzip copies of every built file above a few hundred bytes, each smaller', () => {
    const all = assets(WIDGET, CONSOLE);
    expect(all.map((asset) => asset.url)).toEqual(
      expect.arrayContaining(['/widget/loader.js', '/widget/host.js', '/console/']),
    );
    expect(all.filter((asset) => asset.url.startsWith('/widget/app/')).length).toBeGreaterThan(5);
    for (const asset of all) {
      if (statSync(asset.file).size < 256) continue;
      for (const encoding of ['br', 'gzip']) {
        expect(statSync(copyOf(asset.file, encoding)).size).toBeLessThan(statSync(asset.file).size);
      }
    }
  });

  it('sends each asset in the coding Accept-Encoding picks, with its type, length, Vary and cache headers', async () => {
    const all = assets(WIDGET, CONSOLE);
    let compressed = 0;
    for (const asset of all) {
      const original = readFileSync(asset.file);
      for (const [accept, wanted] of CASES) {
        const answer = await call(relay.url, asset.url, accept ? { 'accept-encoding': accept } : {});
        const expected = wanted.find((encoding) => existsSync(copyOf(asset.file, encoding)));
        const where = `${asset.url} with ${accept ?? 'no Accept-Encoding'}`;
        expect(answer.status, where).toBe(200);
        expect(answer.headers['content-encoding'] ?? 'identity', where).toBe(expected);
        expect(answer.headers.vary, where).toContain('Accept-Encoding');
        expect(answer.headers['content-type'], where).toBe(`${asset.type}; charset=utf-8`);
        expect(answer.headers['cache-control'], where).toBe(asset.cacheControl);
        expect(answer.headers.etag, where).toBeTruthy();
        expect(Number(answer.headers['content-length']), where).toBe(answer.body.length);
        expect(answer.body.equals(readFileSync(copyOf(asset.file, expected ?? 'identity'))), where).toBe(
          true,
        );
        expect(decode(answer).equals(original), where).toBe(true);
        if (expected !== 'identity') compressed++;
      }
    }
    expect(compressed).toBeGreaterThan(all.length * 5);
  });

  it('keeps the headers each part had: cross-origin host scripts, same-origin app, the console CSP', async () => {
    const loader = await call(relay.url, '/widget/loader.js', { 'accept-encoding': 'br' });
    expect(loader.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const [chunk] = builtFiles(join(WIDGET, 'app')).filter((name) => name.startsWith('first-open-'));
    const app = await call(relay.url, `/widget/app/${chunk}`, { 'accept-encoding': 'br' });
    expect(app.headers['cross-origin-resource-policy']).toBe('same-origin');
    for (const path of ['/console/', '/console/inbox', '/console/index.html']) {
      const page = await call(relay.url, path, { 'accept-encoding': 'br' });
      expect(page.status, path).toBe(200);
      expect(page.headers['content-encoding'], path).toBe('br');
      expect(page.headers['cache-control'], path).toBe('no-cache');
      expect(page.headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
      expect(page.headers['x-content-type-options'], path).toBe('nosniff');
      expect(decode(page).equals(readFileSync(join(CONSOLE, 'index.html'))), path).toBe(true);
    }
  });

  it('answers HEAD with the same headers and no body, and revalidates each coding by its own ETag', async () => {
    const asset = join(WIDGET, 'loader.js');
    const got = await call(relay.url, '/widget/loader.js', { 'accept-encoding': 'br' });
    const head = await call(relay.url, '/widget/loader.js', { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-encoding']).toBe('br');
    expect(Number(head.headers['content-length'])).toBe(statSync(`${asset}.br`).size);
    expect(head.headers.etag).toBe(got.headers.etag);

    const etag = got.headers.etag ?? '';
    const again = await call(relay.url, '/widget/loader.js', {
      'accept-encoding': 'br',
      'if-none-match': etag,
    });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    // The gzip copy is another representation: the brotli ETag does not match it.
    const gzip = await call(relay.url, '/widget/loader.js', {
      'accept-encoding': 'gzip',
      'if-none-match': etag,
    });
    expect(gzip.status).toBe(200);
    expect(gzip.headers.etag).not.toBe(etag);
    expect(gunzipSync(gzip.body).equals(readFileSync(asset))).toBe(true);
  });

  it('still answers 404 for paths that are not built files, the copies themselves included', async () => {
    const [chunk] = builtFiles(join(WIDGET, 'app')).filter((name) => name.startsWith('first-open-'));
    for (const path of [
      '/widget/app/nothing-here.js',
      `/widget/app/${chunk}.br`,
      `/widget/app/${chunk}.gz`,
      '/widget/app/.vite/manifest.json',
      '/widget/app/%2e%2e/loader.js',
      '/widget/app/..%2floader.js',
      '/widget/app/%00.js',
      '/widget/app/',
      '/widget/nothing.js',
    ]) {
      const answer = await call(relay.url, path, { 'accept-encoding': 'br, gzip' });
      expect(answer.status, path).toBe(404);
    }
    const post = await call(relay.url, `/widget/app/${chunk}`, { 'accept-encoding': 'br' }, 'POST');
    expect(post.status).toBe(404);
  });

  it('serves a build without copies (a quick dev build) as it is, and says when nothing is built', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'parley-bare-build-'));
    const filter = (path: string) => !/\.(br|gz)$/.test(path);
    cpSync(WIDGET, join(bare, 'widget'), { recursive: true, filter });
    cpSync(CONSOLE, join(bare, 'console'), { recursive: true, filter });
    const { relay: plain } = await startTestRelay({
      widgetDir: join(bare, 'widget'),
      consoleDir: join(bare, 'console'),
    });
    try {
      for (const asset of assets(join(bare, 'widget'), join(bare, 'console'))) {
        const answer = await call(plain.url, asset.url, { 'accept-encoding': 'gzip, deflate, br' });
        expect(answer.status, asset.url).toBe(200);
        expect(answer.headers['content-encoding'], asset.url).toBeUndefined();
        expect(answer.headers.vary, asset.url).toContain('Accept-Encoding');
        expect(answer.body.equals(readFileSync(asset.file)), asset.url).toBe(true);
      }
      rmSync(join(bare, 'widget'), { recursive: true });
      rmSync(join(bare, 'console'), { recursive: true });
      expect((await call(plain.url, '/widget/loader.js', { 'accept-encoding': 'br' })).status).toBe(503);
      expect((await call(plain.url, '/console/', { 'accept-encoding': 'br' })).status).toBe(503);
    } finally {
      await plain.close();
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
