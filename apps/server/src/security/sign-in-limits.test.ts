// Sign-in limits hold under a flood of junk attempts: the per-address limit is checked before a
// per-email bucket is made, and the buckets are a bounded LRU, so 10,050 junk sign-ins from one
// address neither reset the target account's bucket nor let the flood in.
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateBuckets } from '../shared/rate-buckets';
import { startTestRelay } from '../testing';

let env: Awaited<ReturnType<typeof startTestRelay>>;
const PASSWORD = 'correct horse battery';
const agents: Agent[] = [];

beforeAll(async () => {
  env = await startTestRelay({ loginAttemptsPerMinute: 1 });
});
afterAll(async () => {
  for (const agent of agents) agent.destroy();
  await env.relay.close();
});

/** A sign-in from a client address of its own (all of 127.0.0.0/8 is this machine). */
function signInFrom(address: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 32, localAddress: address });
  agents.push(agent);
  const { port } = new URL(env.relay.url);
  return (email: string, password: string) =>
    new Promise<{ status: number; code?: string }>((resolve, reject) => {
      const body = JSON.stringify({ email, password });
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/auth/login',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, code: JSON.parse(text).code }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

describe('sign-in rate limits', () => {
  it('10,050 junk sign-ins from one address do not give the target account fresh guesses', async () => {
    const target = `target-${env.site.id}@agents.test`;
    await env.relay.services.agents.create({
      email: target,
      name: 'Tara',
      role: 'agent',
      password: PASSWORD,
    });
    const guesser = signInFrom('127.0.0.2');
    const guesses = [];
    // One guess a minute per email (the flood below takes well under a minute).
    for (let i = 0; i < 2; i++) guesses.push((await guesser(target, `wrong guess ${i}`)).code);
    expect(guesses).toEqual(['unauthorized', 'rate_limited']);

    const flooder = signInFrom('127.0.0.3');
    let letThrough = 0;
    for (let sent = 0; sent < 10_050; sent += 150) {
      const batch = await Promise.all(
        Array.from({ length: 150 }, (_, i) => flooder(`junk-${sent + i}@junk.test`, 'not a password')),
      );
      letThrough += batch.filter((r) => r.code !== 'rate_limited').length;
    }
    // The address's burst and what it earns back meanwhile (10, and one every 6 s), not 10,050.
    expect(letThrough).toBeLessThan(30);

    // From an address with guesses of its own left, the target account is still locked.
    const third = signInFrom('127.0.0.4');
    expect((await third(target, 'one more guess')).code).toBe('rate_limited');
  });
});

describe('rate buckets', () => {
  it('evict the least recently used bucket when full, keeping the busy ones', () => {
    const buckets = new RateBuckets(1 / 60, 1, 100);
    expect(buckets.take('target')).toBe(true);
    expect(buckets.take('target')).toBe(false);
    for (let i = 0; i < 1_000; i++) {
      buckets.take(`junk-${i}`);
      if (i % 50 === 0) expect(buckets.take('target')).toBe(false);
    }
    expect(buckets.size).toBe(100);
    expect(buckets.take('target')).toBe(false);
  });
});
