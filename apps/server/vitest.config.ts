import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'server',
    environment: 'node',
    globalSetup: ['./src/testing/global-setup.ts', './e2e/build-relay.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
