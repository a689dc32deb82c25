import preact from '@preact/preset-vite';
import { defineProject } from 'vitest/config';

export default defineProject({
  plugins: [preact()],
  test: {
    name: 'console',
    environment: 'happy-dom',
    globalSetup: [
      '../server/src/testing/global-setup.ts',
      './e2e/build-console.ts',
      // The demo-shop flow drives the real widget, which the relay serves from its build.
      '../demo-shop/e2e/build-widget.ts',
    ],
    // One Chromium at a time on a 2-core machine.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
