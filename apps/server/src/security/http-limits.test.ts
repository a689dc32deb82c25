// Expensive HTTP routes are rate-limited per client: the public meeting routes (free slots,
// booking) per client address, search and exports per agent. One client's flood leaves the
// others their own budget.
import { request } from 'node:http';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay } from '../testing';

let env: Awaited<ReturnType<typeof startTestRelay>>;
beforeAll(async () => {
  env = await startTestRelay();
});
afterAll(() => env.relay.close());

/** GET from a given loopback address, answering the status and the Retry-After header. */
function get(path: string, options: { from?: string; token?: string } = {}) {
  const url = new URL(path, env.relay.url);
  return new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
    const req = request(
      url,
      {
        localAddress: options.from ?? '127.0.0.1',
        headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function flood(times: number, send: () => Promise<{ status: number }>) {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await send()).status);
  return statuses;
}

describe('rate limits on expensive HTTP routes', () => {
  it('slows one address flooding the public meeting routes, not another address', async () => {
    const path = `/meetings/${new ObjectId().toHexString()}/slots?token=x&timeZone=UTC`;
    const statuses = await Promise.all(Array.from({ length: 300 }, () => get(path, { from: '127.0.0.5' })));
    const refused = statuses.filter((s) => s.status === 429);
    expect(refused.length).toBeGreaterThan(100);
    expect(refused[0]!.retryAfter).toBe('1');
    // Another client is answered as usual (the bad token's refusal, not a rate limit).
    const other = await get(path, { from: '127.0.0.6' });
    expect(other.status).not.toBe(429);
    expect(other.status).toBe(400);
  });

  it('slows one address trying continue links, not another address', async () => {
    const statuses = await flood(20, () => get('/continue/not-a-link', { from: '127.0.0.7' }));
    expect(statuses.slice(0, 10).every((s) => s === 404)).toBe(true);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(9);
    expect((await get('/continue/not-a-link', { from: '127.0.0.8' })).status).toBe(404);
  });

  it('gives each agent a budget of its own for exports and searches', async () => {
    const exports = await flood(12, () => get('/api/export?format=json', { token: env.agent.token }));
    expect(exports.slice(0, 5).every((s) => s === 200)).toBe(true);
    expect(exports.filter((s) => s === 429).length).toBeGreaterThanOrEqual(6);
    expect((await get('/api/export?format=json', { token: env.admin.token })).status).toBe(200);

    const searches = await flood(40, () => get('/api/inbox?view=open&q=order', { token: env.agent.token }));
    expect(searches.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(searches.filter((s) => s === 429).length).toBeGreaterThan(10);
    expect((await get('/api/inbox?view=open&q=order', { token: env.admin.token })).status).toBe(200);
  });
});
