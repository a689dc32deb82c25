// Global setup of the server's tests: compile the relay, as `pnpm start` runs it.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function buildRelay(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))], {
    stdio: 'inherit',
  });
}
