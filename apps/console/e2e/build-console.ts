// Global setup of the console's end-to-end tests: build the app the relay serves at /console/.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function buildConsole(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const vite = fileURLToPath(new URL('node_modules/vite/bin/vite.js', `file://${root}`));
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}
