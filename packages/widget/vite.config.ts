// The iframe app: Preact, one entry, lazy chunks for what the first open does not need.
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';
import { precompressed } from './precompressed.ts';

/**
 * engine.io-client keeps a table of its default transports (polling, WebSocket, WebTransport)
 * for callers that name them as strings. @parley/client always passes the WebSocket class
 * itself, so the table is never read: an empty one keeps polling out of the bundle.
 */
function onlyGivenTransports(): Plugin {
  const id = '\0parley:engine-transports';
  return {
    name: 'parley-only-given-transports',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === './transports/index.js' && importer?.includes('engine.io-client')) return id;
      return null;
    },
    load: (loaded) => (loaded === id ? 'export const transports = {};' : null),
  };
}

/** The widget speaks JSON only: a text-only codec stands in for socket.io-parser (see packet-codec.ts). */
function textOnlyPackets(): Plugin {
  const codec = fileURLToPath(new URL('src/app/packet-codec.ts', import.meta.url));
  return {
    name: 'parley-text-only-packets',
    enforce: 'pre',
    resolveId: (source, importer) =>
      source === 'socket.io-parser' && importer?.includes('socket.io-client') ? codec : null,
  };
}

export default defineConfig({
  plugins: [onlyGivenTransports(), textOnlyPackets(), preact(), precompressed()],
  base: '/widget/app/',
  build: {
    outDir: 'dist/app',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    // Library mode: the relay links the entry itself, and no preload helper or polyfill (only
    // bytes here) is added to the first open. Lazy chunks bring their own styles (form-styles.ts).
    lib: { entry: 'src/app/main.tsx', formats: ['es'], fileName: 'main', cssFileName: 'main' },
    rolldownOptions: {
      // engine.io-client declares no sideEffects field, so its unused transports (with top-level
      // probes) would stay in; it has no side effects the app relies on.
      treeshake: { moduleSideEffects: (id: string) => !id.includes('/engine.io-client/') },
      // Everything the first open needs in one file (gzip compresses it better than several);
      // forms, rating and other languages stay in chunks of their own.
      output: {
        minify: true,
        // Content-hashed names: the relay serves everything under /widget/app/ as immutable.
        entryFileNames: '[name]-[hash].js',
        assetFileNames: '[name]-[hash][extname]',
        codeSplitting: { groups: [{ name: 'first-open', tags: ['$initial'] }] },
      },
    },
  },
});
