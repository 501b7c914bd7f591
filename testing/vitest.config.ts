import { defineProject } from 'vitest/config';

// Tests of the shared test support itself, and the boundary rule that production code never
// imports it.
export default defineProject({
  test: {
    name: 'testing',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // Hang guards, not performance limits.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
