// The embedded engine as its own process: `pnpm start` (compiled to dist/embedded-main.js) and
// the test setup run this when no MONGODB_URI is set. It prints one line `PARLEY_DB_READY <uri>`
// once it accepts connections.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { readEnvironment } from '../config';
import { startEmbeddedMongo } from './embedded';

const settings = readEnvironment();
const directory = resolve(settings.PARLEY_DB_DIR);
const port = settings.PARLEY_DB_PORT;

mkdirSync(directory, { recursive: true });
let db: Awaited<ReturnType<typeof startEmbeddedMongo>>;
try {
  db = await startEmbeddedMongo(directory, port);
} catch (error) {
  console.error(`parley-db: cannot serve ${directory} on port ${port}: ${(error as Error).message}`);
  process.exit(1);
}
console.log(`PARLEY_DB_READY ${db.uri}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await db.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Dies with its parent when started as a child with an IPC channel.
process.on('disconnect', stop);
