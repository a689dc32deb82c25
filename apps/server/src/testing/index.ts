// Test helpers: a relay on port 0 over this file's own database, fixtures, and relay processes
// that a test can kill.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Conversation } from '@parley/protocol';
import { inject } from 'vitest';
import type { Agent } from '../agents/service';
import { type Relay, startRelay } from '../app';
import { type Config, loadConfig } from '../config';

export const SHOP_ORIGIN = 'http://shop.test';

/** A database name of this test file's own, so files run in parallel over one server. */
export function testDatabase(): { uri: string; dbName: string } {
  return { uri: inject('mongodbUri'), dbName: `test_${randomBytes(6).toString('hex')}` };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  const { uri, dbName } = testDatabase();
  return {
    ...loadConfig({}),
    mongodbUri: uri,
    dbName,
    port: 0,
    publicUrl: 'http://relay.test',
    ...overrides,
  };
}

/** A relay in this process on a free port, with a demo site and an admin and an agent. */
export async function startTestRelay(overrides: Partial<Config> = {}) {
  const relay = await startRelay(testConfig(overrides));
  const fixtures = await createFixtures(relay);
  return { relay, ...fixtures };
}

/** `count` relays in this process over one config (one store, one Redis); each is closed by `cleanups`. */
export async function startRelays(
  count: number,
  config: Config,
  cleanups: (() => unknown)[],
): Promise<Relay[]> {
  const relays: Relay[] = [];
  for (let i = 0; i < count; i++) {
    const relay = await startRelay(config);
    cleanups.push(() => relay.close());
    relays.push(relay);
  }
  return relays;
}

export async function createFixtures(relay: Pick<Relay, 'services'>) {
  const site = await relay.services.sites.create({ name: 'Test Shop', allowedOrigins: [SHOP_ORIGIN] });
  const otherSite = await relay.services.sites.create({
    name: 'Other Shop',
    allowedOrigins: ['http://other.test'],
  });
  const admin = await relay.services.agents.create({
    email: `admin-${site.id}@t.test`,
    name: 'Ada Admin',
    role: 'admin',
  });
  const agent = await relay.services.agents.create({
    email: `agent-${site.id}@t.test`,
    name: 'Ana Agent',
    role: 'agent',
    siteIds: [site.id],
  });
  const outsider = await relay.services.agents.create({
    email: `outsider-${site.id}@t.test`,
    name: 'Otto Outsider',
    role: 'agent',
    siteIds: [otherSite.id],
  });
  return { site, otherSite, admin, agent, outsider };
}

export { type RelayProcess, spawnRelay } from './process';

/** A port nothing listens on right now, for a process that must come back on the same URL. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A visitor's conversation of `siteId` with one message, continued by email at `address` by
 * `agent` (the escalation email is then on its way). Answers the conversation's and visitor's ids.
 */
export async function emailConversation(
  relay: Pick<Relay, 'services'>,
  agent: Agent,
  siteId: string,
  address: string,
  body = 'Where is my order?',
): Promise<{ conversationId: string; visitorId: string }> {
  const { services } = relay;
  const { visitor } = await services.visitors.mint(siteId);
  const me = { kind: 'visitor' as const, visitorId: visitor.id, siteId };
  const { conversation } = await services.conversations.start(me, randomBytes(8).toString('hex'));
  await services.conversations.append(me, {
    conversationId: conversation.id,
    clientMsgId: randomBytes(8).toString('hex'),
    body,
  });
  const actor = { kind: 'agent' as const, agentId: agent.id, name: agent.name, siteIds: agent.siteIds };
  const result = await services.email.continueByEmail(actor, conversation.id, address);
  if (!result.ok) throw new Error(`could not continue ${conversation.id} by email: ${result.message}`);
  return { conversationId: conversation.id, visitorId: visitor.id };
}

/** Resolves a conversation as an agent does from the console (the action, its event, its announcement). */
export async function resolveConversation(
  relay: Pick<Relay, 'services'>,
  agent: Agent,
  conversationId: string,
): Promise<Conversation> {
  const resolved = await relay.services.actions.apply(agent, conversationId, { action: 'resolve' });
  if (!resolved.ok) throw new Error(`could not resolve ${conversationId}: ${resolved.message}`);
  return resolved.conversation;
}
