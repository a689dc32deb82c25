// The agent console: one Preact app served by the relay at /console/.
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [preact()],
  base: '/console/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
