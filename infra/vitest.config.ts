import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'infra',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/cdk.out/**', '**/dist/**'],
    // Synthesizing every environment and running cfn-lint take seconds, and many times that on a
    // loaded 2-core machine. These are hang guards, not performance limits (bench/ measures speed).
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
