// Brotli and gzip copies of each built script and style, written beside it (`x.js.br`, `x.js.gz`),
// which the relay sends as they are to a browser that accepts them: compressed once, at the
// strongest settings, instead of on every request.
import { brotliCompressSync, constants } from 'node:zlib';
import gzip from 'rollup-plugin-gzip';

/** Below this a copy saves nothing worth a file (the app's 33-byte entry would grow). */
const MIN_SIZE = 256;
const filter = /\.(js|css|html|svg)$/;

export function precompressed() {
  return [
    gzip({ filter, minSize: MIN_SIZE, gzipOptions: { level: 9 } }),
    gzip({
      filter,
      minSize: MIN_SIZE,
      fileName: '.br',
      customCompression: (content) =>
        brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    }),
  ];
}
