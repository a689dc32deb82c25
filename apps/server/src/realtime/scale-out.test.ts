// Two relay nodes over one database and one Redis: a visitor on one node and an agent on the
// other talk as if there were one relay.
import { newClientId } from '@parley/client';
import { afterAll, expect, it, vi } from 'vitest';
import type { Relay } from '../app';
import { createFixtures, startRelays, testConfig } from '../testing';
import { agentClient, ready, visitorClient } from '../testing/clients';
import { startRedis } from '../testing/redis';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

it('fans out across relay nodes through the Redis Streams adapter', async () => {
  const redis = await startRedis();
  cleanups.push(() => redis.stop());
  const config = testConfig({ redisUrl: redis.url });
  const [nodeA, nodeB] = (await startRelays(2, config, cleanups)) as [Relay, Relay];
  const { site, agent: agentFixture } = await createFixtures(nodeA);

  const visitor = await ready(visitorClient(nodeA.url, site.publicKey));
  const agent = await ready(agentClient(nodeB.url, agentFixture.token));
  cleanups.push(
    () => visitor.close(),
    () => agent.close(),
  );

  const announced = new Promise<string>((resolve) => agent.on('conversation', (c) => resolve(c.id)));
  const started = await visitor.start(newClientId());
  if (!started.ok) throw new Error(started.message);
  const conversationId = started.conversation.id;
  expect(await announced).toBe(conversationId);

  visitor.send(conversationId, 'hello from node A');
  await vi.waitFor(
    () => expect(agent.timeline(conversationId).map((m) => m.body)).toEqual(['hello from node A']),
    {
      timeout: 10_000,
    },
  );
  await agent.follow(conversationId);
  agent.send(conversationId, 'hello from node B');
  await vi.waitFor(
    () =>
      expect(visitor.timeline(conversationId).map((m) => m.body)).toEqual([
        'hello from node A',
        'hello from node B',
      ]),
    { timeout: 10_000 },
  );
  const agentTyping = new Promise((resolve) => visitor.on('typing', resolve));
  agent.setTyping(conversationId, true);
  expect(await agentTyping).toMatchObject({ conversationId, typing: true });
});
