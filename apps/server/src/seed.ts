// First run on an empty database: a demo site for the demo shop and an admin agent.
import type { Services } from './services';

export const DEMO_SITE_KEY = 'demo-shop-site';

export async function seedIfEmpty(
  services: Services,
  options: { demoShopOrigins: string[] },
): Promise<{ siteKey: string; adminEmail: string; adminToken: string } | null> {
  if ((await services.sites.count()) > 0 || (await services.agents.count()) > 0) return null;
  const site = await services.sites.create({
    name: 'Demo Shop',
    allowedOrigins: options.demoShopOrigins,
    publicKey: DEMO_SITE_KEY,
  });
  const { agent, token } = await services.agents.create({
    email: 'admin@parley.local',
    name: 'Admin',
    role: 'admin',
  });
  return { siteKey: site.publicKey, adminEmail: agent.email, adminToken: token };
}
