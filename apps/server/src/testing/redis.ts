// A throwaway redis-server (Debian's package) on a free loopback port, for scale-out tests.
import { freePort } from './index';
import { spawnReady } from './process';

export async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const redis = await spawnReady(
    'redis-server (apt-get install redis-server)',
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {},
    /Ready to accept connections/,
  );
  return { url: `redis://127.0.0.1:${port}`, stop: () => redis.stop() };
}
