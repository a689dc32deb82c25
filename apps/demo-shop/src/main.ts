// `pnpm start` runs this: the demo shop on DEMO_SHOP_PORT (default 4000), embedding the widget
// from the relay at PARLEY_URL (default http://localhost:3000) with the demo site's key.
import { startDemoShop } from './server';

const port = Number(process.env.DEMO_SHOP_PORT ?? 4000);
if (!Number.isInteger(port) || port < 0)
  throw new Error(`DEMO_SHOP_PORT must be a port number, got "${process.env.DEMO_SHOP_PORT}"`);

const shop = await startDemoShop({
  port,
  host: process.env.DEMO_SHOP_HOST ?? '127.0.0.1',
  parleyUrl: (process.env.PARLEY_URL ?? 'http://localhost:3000').replace(/\/$/, ''),
  siteKey: process.env.DEMO_SHOP_SITE_KEY ?? 'demo-shop-site',
});
console.log(`DEMO_SHOP_READY ${shop.url}`);

const stop = () => void shop.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
