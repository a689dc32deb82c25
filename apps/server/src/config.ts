// Every setting the relay reads from its environment, in one place, with defaults that make
// `pnpm start` work on a fresh clone.
import { resolve } from 'node:path';

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

export interface Config {
  /** MongoDB address; when empty, `pnpm start` runs the embedded engine and sets it. */
  mongodbUri: string;
  dbName: string;
  host: string;
  port: number;
  /** Public base URL of this relay, used in links and the embed snippet. */
  publicUrl: string;
  redisUrl: string | undefined;
  /** Messages one socket may send per second (sustained) and in a burst. */
  socketRatePerSec: number;
  socketBurst: number;
  /** Messages one site may receive per second across all its sockets. */
  siteRatePerSec: number;
  /** How long writes that arrive together wait to be grouped into one batch, in ms. */
  batchWindowMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int('PORT', 3000);
  const host = env.HOST ?? '127.0.0.1';
  return {
    mongodbUri: env.MONGODB_URI ?? '',
    dbName: env.MONGODB_DB ?? 'parley',
    host,
    port,
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
    redisUrl: env.REDIS_URL || undefined,
    socketRatePerSec: int('PARLEY_SOCKET_RATE', 10),
    socketBurst: int('PARLEY_SOCKET_BURST', 20),
    siteRatePerSec: int('PARLEY_SITE_RATE', 500),
    batchWindowMs: int('PARLEY_BATCH_WINDOW_MS', 2),
  };
}

export const DATA_DIR = resolve(process.env.PARLEY_DATA_DIR ?? '.data');
