import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'triage', environment: 'node' } });
