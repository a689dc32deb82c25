// The agent console: one Preact app served by the relay at /console/.
import { brotliCompressSync, constants } from 'node:zlib';
import preact from '@preact/preset-vite';
import gzip from 'rollup-plugin-gzip';
import { defineConfig } from 'vite';

// Brotli and gzip copies beside each built file (`x.js.br`, `x.js.gz`), which the relay sends as
// they are to a browser that accepts them: compressed once, at the strongest settings.
const filter = /\.(js|css|html|svg)$/;
const precompressed = [
  gzip({ filter, gzipOptions: { level: 9 } }),
  gzip({
    filter,
    fileName: '.br',
    customCompression: (content) =>
      brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  }),
];

export default defineConfig({
  plugins: [preact(), precompressed],
  base: '/console/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
