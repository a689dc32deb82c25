// "Can take a chat now" has one meaning, for routing and for the widget alike: presence online
// (not away, not offline) and a console connected on some relay. An agent with the console open
// but set offline gets no chats and does not make the widget say someone is there; one who closed
// the tab while online neither.
import { type ChatClient, newClientId } from '@parley/client';
import type { Availability } from '@parley/protocol';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Relay } from '../app';
import type { Site } from '../sites/service';
import { createFixtures, SHOP_ORIGIN, startRelays, startTestRelay, testConfig } from '../testing';
import { agentClient, ready, visitorClient } from '../testing/clients';
import { startRedis } from '../testing/redis';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});
const eventually = (check: () => void | Promise<void>) =>
  vi.waitFor(check, { timeout: 15_000, interval: 20 });
let counter = 0;

async function balancedSite(relay: Relay): Promise<Site> {
  const site = await relay.services.sites.create({
    name: `Shop ${++counter}`,
    allowedOrigins: [SHOP_ORIGIN],
  });
  await relay.services.siteAdmin.update(site.id, { assignment: 'balanced' });
  return site;
}

async function newAgent(relay: Relay, site: Site) {
  return relay.services.agents.create({
    email: `presence-${++counter}@t.test`,
    name: `Agent ${counter}`,
    role: 'agent',
    siteIds: [site.id],
  });
}

async function visitorOf(relay: Relay, site: Site): Promise<ChatClient> {
  const visitor = await ready(visitorClient(relay.url, site.publicKey));
  cleanups.push(() => visitor.close());
  return visitor;
}

async function availability(visitor: ChatClient): Promise<Availability> {
  const answer = await visitor.request('availability', {});
  if (!answer.ok) throw new Error(answer.message);
  return answer.availability;
}

/** A visitor's first message on `relay`, once routing has run there: who got the chat, if anyone. */
async function assigneeOfNewChat(relay: Relay, visitor: ChatClient): Promise<string | null> {
  const started = await visitor.start(newClientId());
  if (!started.ok) throw new Error(started.message);
  visitor.send(started.conversation.id, 'hello?');
  await eventually(() => expect(visitor.pending()).toHaveLength(0));
  await relay.services.routing.settled();
  const conversation = await relay.services.conversations.get(
    { kind: 'agent', agentId: 'test', name: 'test', siteIds: null },
    started.conversation.id,
  );
  return conversation?.assigneeId ?? null;
}

describe('who can take a chat now', () => {
  it('is an agent both online and at the console, for the widget and for routing alike', async () => {
    const env = await startTestRelay();
    cleanups.push(() => env.relay.close());
    const { relay } = env;
    const site = await balancedSite(relay);
    const atConsole = await newAgent(relay, site);
    const closedTab = await newAgent(relay, site);
    const visitor = await visitorOf(relay, site);

    // The console open, presence offline: not there for visitors, and no chats.
    const consoleTab = await ready(agentClient(relay.url, atConsole.token));
    cleanups.push(() => consoleTab.close());
    await relay.services.agents.setPresence(atConsole.agent.id, 'offline');
    // Online, but the tab is closed: not there either.
    await relay.services.agents.setPresence(closedTab.agent.id, 'online');
    expect(await availability(visitor)).toMatchObject({ available: false, agentsOnline: false });
    expect(await assigneeOfNewChat(relay, visitor)).toBeNull();

    // Away is not there.
    await relay.services.agents.setPresence(atConsole.agent.id, 'away');
    expect(await availability(visitor)).toMatchObject({ available: false, agentsOnline: false });
    expect(await assigneeOfNewChat(relay, visitor)).toBeNull();

    // Online at the console: the widget says so and the chat goes to them, not to the closed tab.
    await relay.services.agents.setPresence(atConsole.agent.id, 'online');
    expect(await availability(visitor)).toEqual({ available: true, withinHours: true, agentsOnline: true });
    expect(await assigneeOfNewChat(relay, visitor)).toBe(atConsole.agent.id);

    // Closing the tab, still "online": gone for both.
    consoleTab.close();
    await eventually(async () => expect((await availability(visitor)).agentsOnline).toBe(false));
    expect(await assigneeOfNewChat(relay, visitor)).toBeNull();
  });

  it('counts a console connected to another relay, through Redis, and forgets it when it closes', async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const config = testConfig({ redisUrl: redis.url });
    const [nodeA, nodeB] = (await startRelays(2, config, cleanups)) as [Relay, Relay];
    await createFixtures(nodeA);
    const site = await balancedSite(nodeA);
    const { agent, token } = await newAgent(nodeA, site);
    await nodeA.services.agents.setPresence(agent.id, 'online');

    const visitor = await visitorOf(nodeA, site);
    expect((await availability(visitor)).agentsOnline).toBe(false);
    expect(await assigneeOfNewChat(nodeA, visitor)).toBeNull();

    const consoleTab = await ready(agentClient(nodeB.url, token));
    cleanups.push(() => consoleTab.close());
    expect(await availability(visitor)).toMatchObject({ available: true, agentsOnline: true });
    expect(await assigneeOfNewChat(nodeA, visitor)).toBe(agent.id);

    consoleTab.close();
    await eventually(async () => expect((await availability(visitor)).agentsOnline).toBe(false));
    expect(await assigneeOfNewChat(nodeA, visitor)).toBeNull();
  });
});
