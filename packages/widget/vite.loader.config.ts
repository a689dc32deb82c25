// The two scripts that run on the host page, each one small classic script with no framework:
// `--mode loader` builds loader.js (what a site embeds), `--mode host` builds host.js (what it
// loads on first interaction or idle).
import { defineConfig } from 'vite';
import { precompressed } from './precompressed.ts';

export default defineConfig(({ mode }) => ({
  plugins: [precompressed()],
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2020',
    lib: {
      entry: `src/loader/${mode === 'host' ? 'host' : 'loader'}.ts`,
      formats: ['iife'],
      name: 'Parley',
      fileName: () => `${mode === 'host' ? 'host' : 'loader'}.js`,
    },
  },
}));
