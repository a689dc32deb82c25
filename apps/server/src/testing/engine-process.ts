// Starts the embedded engine as its own process, exactly as `pnpm start` does, and waits for
// its ready line.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../db/embedded-main.ts', import.meta.url));

export interface EngineProcess {
  uri: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function spawnEngine(directory: string, port = 0): Promise<EngineProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: { ...process.env, PARLEY_DB_DIR: directory, PARLEY_DB_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /PARLEY_DB_READY (\S+)/.exec(output);
      if (!match) return;
      child.stdout?.off('data', onData);
      resolve({
        uri: match[1]!,
        child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`embedded engine exited with ${code} before it was ready:\n${output}`)),
    );
  });
}
