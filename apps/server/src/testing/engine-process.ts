// Starts the embedded engine as its own process, exactly as `pnpm start` does, and waits for
// its ready line.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnReady } from './process';

const ENTRY = fileURLToPath(new URL('../db/embedded-main.ts', import.meta.url));

export interface EngineProcess {
  uri: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function spawnEngine(directory: string, port = 0): Promise<EngineProcess> {
  const engine = await spawnReady(
    'embedded engine',
    process.execPath,
    ['--import', 'tsx', ENTRY],
    { PARLEY_DB_DIR: directory, PARLEY_DB_PORT: String(port) },
    /PARLEY_DB_READY (\S+)/,
  );
  return { uri: engine.ready, child: engine.child, stop: () => engine.stop() };
}
