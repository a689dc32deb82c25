// One database server for the whole test run: MONGODB_URI when set, otherwise the embedded
// engine in its own process with a throwaway data folder. Each test file picks its own db name.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { readEnvironment } from '../config';
import { spawnEngine } from './engine-process';

declare module 'vitest' {
  export interface ProvidedContext {
    mongodbUri: string;
  }
}

export default async function setup(project: TestProject) {
  const { MONGODB_URI } = readEnvironment();
  if (MONGODB_URI) {
    project.provide('mongodbUri', MONGODB_URI);
    return;
  }
  const directory = mkdtempSync(join(tmpdir(), 'parley-test-db-'));
  const engine = await spawnEngine(directory);
  project.provide('mongodbUri', engine.uri);
  return async () => {
    await engine.stop();
    rmSync(directory, { recursive: true, force: true });
  };
}
