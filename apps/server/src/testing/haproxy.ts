// A throwaway HAProxy (Debian's `haproxy` package) on a free loopback port in front of relay
// nodes, for failover tests. Its configuration is the README's "Running in production" one.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './index';

/**
 * The balancer's configuration: WebSockets pass through as tunnels, each relay is health-checked
 * on `/health`, a connection refused by a dead relay is sent to another, and a cookie keeps a
 * client that falls back to HTTP long-polling on the relay that holds its session.
 */
export function haproxyConfig(port: number, relays: { name: string; port: number }[]): string {
  return [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    // An upgraded WebSocket is a tunnel: Socket.IO's pings (every 25 s) keep it alive.
    '  timeout tunnel 1h',
    '  retries 3',
    '  option redispatch 1',
    'frontend parley',
    `  bind 127.0.0.1:${port}`,
    '  option forwardfor',
    '  default_backend relays',
    'backend relays',
    '  balance leastconn',
    '  option httpchk GET /health',
    '  http-check expect status 200',
    '  cookie parley_relay insert indirect nocache httponly',
    ...relays.map(
      (relay) =>
        `  server ${relay.name} 127.0.0.1:${relay.port} check inter 500ms fall 2 rise 1 cookie ${relay.name}`,
    ),
    '',
  ].join('\n');
}

export interface Balancer {
  url: string;
  stop(): Promise<void>;
}

/** Starts haproxy in the foreground in front of `relays`; resolves once a relay answers through it. */
export async function startHaproxy(relays: { name: string; port: number }[]): Promise<Balancer> {
  const port = await freePort();
  const folder = mkdtempSync(join(tmpdir(), 'parley-haproxy-'));
  const file = join(folder, 'haproxy.cfg');
  writeFileSync(file, haproxyConfig(port, relays));
  const child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'inherit', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(new Error(`haproxy could not start (apt-get install haproxy): ${error.message}`)),
    );
    child.once('exit', (code) => reject(new Error(`haproxy exited with ${code}:\n${output}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const answering = (async () => {
    for (let i = 0; i < 200; i++) {
      const ok = await fetch(`${url}/health`).then(
        (res) => res.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no relay answered through haproxy:\n${output}`);
  })();
  await Promise.race([answering, exited]);
  exited.catch(() => {});
  return {
    url,
    stop: () =>
      new Promise<void>((done) => {
        const finish = () => {
          rmSync(folder, { recursive: true, force: true });
          done();
        };
        if (child.exitCode !== null || child.signalCode !== null) return finish();
        child.once('exit', finish);
        child.kill('SIGTERM');
      }),
  };
}
