import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cli',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/cdk.out/**', '**/dist/**'],
    // A hang guard, not a performance assertion: `plan --all` synthesizes every environment and
    // runs cfn-lint and CloudFormation validation on ~20 templates (tens of seconds on a cold cache).
    testTimeout: 600_000,
    // CDK's built-in CloudFormation validation costs seconds per synth; infra's policy test runs it.
    env: { CDK_VALIDATION: 'false' },
    hookTimeout: 600_000,
  },
});
