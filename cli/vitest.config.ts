import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cli',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/cdk.out/**', '**/dist/**'],
    // A hang guard, not a performance assertion: `plan --all` synthesizes every environment and
    // runs cfn-lint and CloudFormation validation on ~20 templates (tens of seconds on a cold cache).
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // CDK's built-in CloudFormation validation costs seconds per synth; infra's policy test runs it.
    env: { CDK_VALIDATION: 'false' },
    globalSetup: ['../testing/src/scratch-setup.ts'],
    // The files share their worker's modules: aws-cdk-lib is imported, and the shipped assembly
    // read (testing/src/cli/fixtures.ts), once per worker instead of once per file. The tests
    // only read it, and the one that changes environment variables restores them.
    isolate: false,
  },
});
