// The relay process. `pnpm start` runs it with MONGODB_URI pointing at the embedded engine
// (or at your own MongoDB); it seeds an empty database and prints where everything is.
import { startRelay } from './app';
import { loadConfig } from './config';
import { seedIfEmpty } from './seed';

const config = loadConfig();
if (!config.mongodbUri) {
  console.error(
    'parley: MONGODB_URI is not set. Run `pnpm start` from the repository root, or point it at a MongoDB.',
  );
  process.exit(1);
}

const relay = await startRelay(config);
const seeded = await seedIfEmpty(relay.services, { demoShopOrigins: config.demoShopOrigins });
if (seeded) {
  console.log(`parley: seeded demo site "${seeded.siteKey}" and admin ${seeded.adminEmail}`);
  console.log(`parley: console ${config.publicUrl}/console/ — sign in as ${seeded.adminEmail}`);
  console.log(`parley: admin password (shown once): ${seeded.adminPassword}`);
}
console.log(`PARLEY_RELAY_READY ${relay.url}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await relay.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
