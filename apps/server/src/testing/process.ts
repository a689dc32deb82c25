// Starting a helper process (the engine, a relay, redis-server) and waiting for the line that
// says it is ready: the one way tests, the benchmark and CI bring up what they need.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ReadyProcess {
  child: ChildProcess;
  /** The ready line's first capture group (a URI, a URL). */
  ready: string;
  /** Sends `signal` (SIGTERM by default) and resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Spawns `command` and resolves when its stdout matches `ready`; rejects if it exits first.
 * @example const engine = await spawnReady('engine', process.execPath, ['--import', 'tsx', entry], {}, /PARLEY_DB_READY (\S+)/)
 */
export function spawnReady(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<ReadyProcess> {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = (signal: NodeJS.Signals = 'SIGTERM') =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill(signal);
    });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (!match) return;
      child.stdout?.off('data', onData);
      resolve({ child, ready: match[1] ?? match[0], stop });
    };
    child.stdout?.on('data', onData);
    child.once('error', (error) => reject(new Error(`${name} could not start: ${error.message}`)));
    child.once('exit', (code) =>
      reject(new Error(`${name} exited with ${code} before it was ready:\n${output}`)),
    );
  });
}

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

export interface RelayProcess {
  child: ChildProcess;
  url: string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** The real relay entry point as a child process, on a given port (so a restart keeps its URL). */
export async function spawnRelay(
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<RelayProcess> {
  const relay = await spawnReady(
    'relay',
    process.execPath,
    ['--import', 'tsx', ...nodeArgs, MAIN],
    { HOST: '127.0.0.1', ...env },
    /PARLEY_RELAY_READY (\S+)/,
  );
  return { child: relay.child, url: relay.ready, kill: relay.stop };
}
