import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'infra',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/cdk.out/**', '**/dist/**'],
    // Synthesizing every environment and running cfn-lint take seconds, and many times that on a
    // loaded CI runner. These are hang guards, not performance limits (bench/ measures speed).
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // CDK's built-in CloudFormation validation costs seconds per synth and never changes a
    // template: off for every synth here, including bare `new App()`s. The policy test turns it
    // on for its own synth (synthesizeApp's `validation` option).
    env: { CDK_VALIDATION: 'false' },
    globalSetup: ['../testing/src/scratch-setup.ts'],
    // The files share their worker's modules: aws-cdk-lib is imported, and the shipped config
    // synthesized (testing/src/synth.ts), once per worker instead of once per file. The tests
    // only read synthesized apps, and the one that stubs environment variables restores them.
    isolate: false,
  },
});
