// First run on an empty database: a demo site for the demo shop and an admin agent.
import { randomBytes } from 'node:crypto';
import type { Services } from './services';

export const DEMO_SITE_KEY = 'demo-shop-site';

const CANNED: [string, string][] = [
  ['hello', "Hi {{visitor.name}}, I'm {{agent.name}} from {{site.name}}. How can I help?"],
  [
    'shipping',
    'Orders ship within one business day; delivery takes 2-4 days. You get a tracking link by email.',
  ],
  ['thanks', 'Thanks for chatting with {{site.name}}, {{visitor.name}}! Anything else I can do for you?'],
];

export async function seedIfEmpty(
  services: Services,
  options: { demoShopOrigins: string[] },
): Promise<{ siteKey: string; adminEmail: string; adminPassword: string } | null> {
  if ((await services.sites.count()) > 0 || (await services.agents.count()) > 0) return null;
  const site = await services.sites.create({
    name: 'Demo Shop',
    allowedOrigins: options.demoShopOrigins,
    publicKey: DEMO_SITE_KEY,
  });
  const adminPassword = randomBytes(12).toString('base64url');
  const { agent } = await services.agents.create({
    email: 'admin@parley.local',
    name: 'Admin',
    role: 'admin',
    password: adminPassword,
  });
  // Online from the start, so the demo shop's widget says someone is there once the console is open.
  await services.agents.setPresence(agent.id, 'online');
  for (const [shortcut, body] of CANNED) {
    await services.canned.create(agent, { shortcut, body, shared: true });
  }
  return { siteKey: site.publicKey, adminEmail: agent.email, adminPassword };
}
