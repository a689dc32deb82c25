// A site's budgets hold across relays that share Redis, and a Redis that hangs or dies neither
// stalls nor crashes a relay: its limits count locally, with a log line.
import { VISITOR_NAMESPACE } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Relay } from '../app';
import { createFixtures, SHOP_ORIGIN, startRelays, testConfig } from '../testing';
import { outcome, rawSocket } from '../testing/clients';
import { startRedis } from '../testing/redis';

/** Conversations a site may see started a minute, on every relay together. */
const SITE_STARTS = 6;

const cleanups: (() => unknown)[] = [];
let redis: Awaited<ReturnType<typeof startRedis>>;
let nodeA: Relay;
let nodeB: Relay;
let fixtures: Awaited<ReturnType<typeof createFixtures>>;
beforeAll(async () => {
  redis = await startRedis();
  cleanups.push(() => redis.stop());
  // Each client address may start plenty: only the site's budget is in play here.
  const config = testConfig({ redisUrl: redis.url, siteStartsPerMinute: SITE_STARTS, startsPerMinute: 1000 });
  [nodeA, nodeB] = (await startRelays(2, config, cleanups)) as [Relay, Relay];
  fixtures = await createFixtures(nodeA);
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

let starts = 0;
async function visitorSocket(relay: Relay, siteKey: string, origin = SHOP_ORIGIN): Promise<Socket> {
  const socket = rawSocket(relay.url, VISITOR_NAMESPACE, { auth: { siteKey }, siteKey, origin });
  cleanups.push(() => socket.close());
  expect(await outcome(socket)).toEqual({ connected: true });
  return socket;
}
const start = (socket: Socket): Promise<{ ok: boolean; code?: string; message?: string }> =>
  socket.timeout(5_000).emitWithAck('conversation:start', { startKey: `shared-limits-${starts++}` });

it("spends one site's conversation starts across both relays, and leaves other sites alone", async () => {
  const onA = await visitorSocket(nodeA, fixtures.site.publicKey);
  const onB = await visitorSocket(nodeB, fixtures.site.publicKey);
  for (let i = 0; i < SITE_STARTS / 2; i++) {
    expect(await start(onA)).toMatchObject({ ok: true });
    expect(await start(onB)).toMatchObject({ ok: true });
  }
  // Each relay alone has let through half the budget; together, the whole of it.
  expect(await start(onB)).toMatchObject({
    ok: false,
    code: 'rate_limited',
    message: 'this site is starting too many conversations, try again in a minute',
  });
  expect(await start(onA)).toMatchObject({ ok: false, code: 'rate_limited' });
  const other = await visitorSocket(nodeB, fixtures.otherSite.publicKey, 'http://other.test');
  expect(await start(other)).toMatchObject({ ok: true });
});

it('counts locally, with a log line, while Redis hangs or is gone', async () => {
  const fresh = await nodeA.services.sites.create({ name: 'Sklep Łódź', allowedOrigins: [SHOP_ORIGIN] });
  const onA = await visitorSocket(nodeA, fresh.publicKey);
  const onB = await visitorSocket(nodeB, fresh.publicKey);
  expect(await start(onA)).toMatchObject({ ok: true });
  const logged = vi.spyOn(console, 'error');
  cleanups.push(() => logged.mockRestore());

  // A Redis that holds its connections and answers nothing.
  redis.signal('SIGSTOP');
  const answers = await Promise.all(Array.from({ length: SITE_STARTS + 2 }, () => start(onA)));
  // Every start was answered (none waited for Redis); relay A's own budget (all of it) applied.
  expect(answers.filter((a) => a.ok)).toHaveLength(SITE_STARTS);
  expect(answers.filter((a) => !a.ok).every((a) => a.code === 'rate_limited')).toBe(true);
  expect(logged.mock.calls.map((call) => String(call[0]))).toContainEqual(
    expect.stringMatching(/^parley: rate limit site-starts counts on this relay alone for now: Redis failed/),
  );

  // Redis gone altogether: relay B still answers, from its own budget.
  redis.signal('SIGCONT');
  redis.signal('SIGKILL');
  const fromB = await Promise.all(Array.from({ length: 3 }, () => start(onB)));
  expect(fromB.map((a) => a.ok)).toEqual([true, true, true]);
  expect((await fetch(`${nodeB.url}/health`)).status).toBe(200);
});
