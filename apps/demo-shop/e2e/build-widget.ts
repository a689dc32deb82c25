// Global setup of the end-to-end tests: build the widget the relay serves, as `pnpm start` does.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function buildWidget(): void {
  const widget = fileURLToPath(new URL('../../../packages/widget/', import.meta.url));
  const vite = fileURLToPath(new URL('node_modules/vite/bin/vite.js', `file://${widget}`));
  for (const args of [
    ['build'],
    ['build', '-c', 'vite.loader.config.ts', '--mode', 'loader'],
    ['build', '-c', 'vite.loader.config.ts', '--mode', 'host'],
  ]) {
    execFileSync(process.execPath, [vite, ...args, '--logLevel', 'warn'], { cwd: widget, stdio: 'inherit' });
  }
}
