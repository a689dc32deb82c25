// A throwaway redis-server (Debian's package) on a free loopback port, for scale-out tests.
import { freePort } from './index';
import { spawnReady } from './process';

export async function startRedis(): Promise<{
  url: string;
  /** Sends the process a signal: SIGSTOP makes a Redis that holds connections and answers nothing. */
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  const redis = await spawnReady(
    'redis-server (apt-get install redis-server)',
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {},
    /Ready to accept connections/,
  );
  return {
    url: `redis://127.0.0.1:${port}`,
    signal: (signal) => redis.child.kill(signal),
    stop: async () => {
      redis.child.kill('SIGCONT');
      await redis.stop();
    },
  };
}
