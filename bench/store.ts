// What every bench starts from: MONGODB_URI, or the embedded engine in its own process with a
// throwaway folder, and a list of cleanups the bench runs at the end, newest first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../apps/server/src/config';
import { connectDatabase } from '../apps/server/src/db/connect';
import { createServices, type Services, syncIndexes } from '../apps/server/src/services';
import { spawnEngine } from '../apps/server/src/testing/engine-process';

export type Cleanups = (() => Promise<void> | void)[];

/** The database server's URI; an engine started here is stopped by `cleanups`. */
export async function benchStore(cleanups: Cleanups): Promise<string> {
  if (process.env.MONGODB_URI) return process.env.MONGODB_URI;
  const directory = mkdtempSync(join(tmpdir(), 'parley-bench-db-'));
  const engine = await spawnEngine(directory);
  cleanups.push(async () => {
    await engine.stop();
    rmSync(directory, { recursive: true, force: true });
  });
  return engine.uri;
}

/** A fresh database `dbName` at `uri` with its indexes, and the relay's services over it. */
export async function benchServices(uri: string, dbName: string, cleanups: Cleanups): Promise<Services> {
  const connection = await connectDatabase(uri, dbName);
  cleanups.push(() => connection.close());
  const services = createServices(connection, loadConfig({}));
  await syncIndexes(connection, services);
  return services;
}
