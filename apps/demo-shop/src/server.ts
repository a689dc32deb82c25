// The demo shop's HTTP server: three kinds of page and two static files, no framework.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cartPage, homePage, productPage, type ShopOptions } from './pages';

const STATIC: Record<string, { type: string; body: Buffer }> = {
  '/shop.js': { type: 'text/javascript', body: readFileSync(new URL('./public/shop.js', import.meta.url)) },
  '/shop.css': { type: 'text/css', body: readFileSync(new URL('./public/shop.css', import.meta.url)) },
};

export interface DemoShop {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the shop on `host:port` (0 picks a free port).
 * @example const shop = await startDemoShop({ port: 4000, host: '127.0.0.1', parleyUrl, siteKey: 'demo-shop-site' })
 */
export async function startDemoShop(
  options: ShopOptions & { port: number; host: string },
): Promise<DemoShop> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://shop').pathname;
    const asset = STATIC[path];
    if (asset) {
      res.writeHead(200, { 'Content-Type': asset.type, 'Cache-Control': 'no-cache' });
      return res.end(asset.body);
    }
    const product = path.startsWith('/products/')
      ? productPage(options, path.slice('/products/'.length))
      : null;
    const html = path === '/' ? homePage(options) : path === '/cart' ? cartPage(options) : product;
    if (!html) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('No such page');
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
