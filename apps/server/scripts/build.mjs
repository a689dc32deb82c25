#!/usr/bin/env node
// Compiles the relay and the embedded engine's process to plain JavaScript in dist/, so
// `pnpm start` and production run Node on JavaScript, not a TypeScript loader. The workspace's
// own packages (TypeScript sources) are bundled in; every npm dependency stays an import.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const external = Object.keys(manifest.dependencies).filter((name) => !name.startsWith('@parley/'));

await build({
  absWorkingDir: here,
  entryPoints: { main: 'src/main.ts', 'embedded-main': 'src/db/embedded-main.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external,
  // Bundled CommonJS that calls require() needs one in an ES module.
  banner: {
    js: "import { createRequire as __parleyRequire } from 'node:module'; const require = __parleyRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
console.log('parley: relay built to apps/server/dist');
