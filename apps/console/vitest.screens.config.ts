// `pnpm --filter @parley/console screens`: the console's screens as PNGs (e2e/screens.shots.ts), a
// tool for comparing builds, kept out of the test run.
import { defineConfig, mergeConfig } from 'vitest/config';
import project from './vitest.config';

export default mergeConfig(project, defineConfig({ test: { include: ['e2e/screens.shots.ts'] } }));
