// A whole Parley for end-to-end tests: a relay on a free port whose public URL is its own address
// (so the widget iframe's origin is the relay's), the demo shop as its own process, pages of a
// test's own on other origins, and headless Chromium to drive them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { type Relay, startRelay } from '../app';
import { type Config, readEnvironment } from '../config';
import { DEMO_SITE_KEY } from '../seed';
import type { Site } from '../sites/service';
import { createFixtures, freePort, testConfig } from './index';
import { type ReadyProcess, spawnReady } from './process';

const CHROMIUM = readEnvironment().PARLEY_CHROMIUM;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const DEMO_SHOP_MAIN = fileURLToPath(new URL('../../../demo-shop/src/main.ts', import.meta.url));

/** Pages a test serves itself: path → HTML and the headers to send with it. */
export type HostPages = Record<string, { html: string; headers?: Record<string, string>; type?: string }>;

export interface Stack {
  relay: Relay;
  fixtures: Awaited<ReturnType<typeof createFixtures>>;
  browser: Browser;
  /** The demo shop, when started: its URL and the site it embeds. */
  shop: { url: string; site: Site } | null;
  /** Opens a fresh browser context (its own storage) and a page in it. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Serves pages on a new origin and registers a site that allows that origin. */
  hostPages(pages: HostPages, host?: string): Promise<{ url: string; site: Site }>;
  close(): Promise<void>;
}

/**
 * Starts the stack. `demoShop` also runs the demo shop (as `pnpm start` does) against a site with
 * the demo key whose allowed origin is the shop's.
 * @example const stack = await startStack({ demoShop: true }); const page = await stack.newPage();
 */
export async function startStack(
  options: { demoShop?: boolean; relay?: Partial<Config> } = {},
): Promise<Stack> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const relay = await startRelay(testConfig({ port, host: '127.0.0.1', publicUrl, ...options.relay }));
  const fixtures = await createFixtures(relay);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const servers: Server[] = [];
  let shopProcess: ReadyProcess | null = null;
  let shop: Stack['shop'] = null;

  if (options.demoShop) {
    const shopPort = await freePort();
    const url = `http://127.0.0.1:${shopPort}`;
    const site = await relay.services.sites.create({
      name: 'Hearth & Co.',
      allowedOrigins: [url],
      publicKey: DEMO_SITE_KEY,
    });
    shopProcess = await spawnReady(
      'demo shop',
      process.execPath,
      ['--import', 'tsx', DEMO_SHOP_MAIN],
      { DEMO_SHOP_PORT: String(shopPort), DEMO_SHOP_HOST: '127.0.0.1', PARLEY_URL: publicUrl },
      /DEMO_SHOP_READY/,
    );
    shop = { url, site };
  }

  return {
    relay,
    fixtures,
    browser,
    shop,
    async newPage(contextOptions = {}) {
      const context = await browser.newContext(contextOptions);
      return context.newPage();
    },
    async hostPages(pages, host = '127.0.0.1') {
      const server = createServer((req, res) => {
        const page = pages[new URL(req.url ?? '/', 'http://host').pathname];
        if (!page) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'Content-Type': page.type ?? 'text/html; charset=utf-8', ...page.headers });
        res.end(page.html);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      const url = `http://${host}:${(server.address() as AddressInfo).port}`;
      const site = await relay.services.sites.create({
        name: 'Test host page',
        allowedOrigins: [url],
      });
      return { url, site };
    },
    async close() {
      await browser.close();
      await shopProcess?.stop();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      await relay.close();
    },
  };
}
