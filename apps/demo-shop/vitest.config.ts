import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['e2e/**/*.test.ts'],
    globalSetup: ['../server/src/testing/global-setup.ts', './e2e/build-widget.ts'],
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // One Chromium at a time on a 2-core machine.
    fileParallelism: false,
  },
});
