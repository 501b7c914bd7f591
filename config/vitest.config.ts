import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'config',
    include: ['**/*.test.ts'],
    // Hang guards, not performance limits: a loaded CI runner is many times slower than an idle laptop.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    exclude: ['**/node_modules/**', '**/cdk.out/**', '**/dist/**'],
  },
});
