#!/usr/bin/env node
// `pnpm config:table`: rewrites the README's table of settings from the relay's config schema
// (apps/server/src/config.ts); apps/server/src/config.test.ts fails while the two differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigTable } from '../apps/server/src/config.ts';

const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, withConfigTable(readFileSync(readme, 'utf8')));
