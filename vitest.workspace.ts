// The test projects, one per package. vitest.config.ts hands this list to Vitest 4's `test.projects`.
export default [
  'packages/protocol',
  'packages/client',
  'packages/triage',
  'packages/widget',
  'apps/server',
  'apps/console',
  'apps/demo-shop',
];
