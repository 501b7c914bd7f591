import { defineProject } from 'vitest/config';

// The examples: each Python example's own pytest suite against the real PostgreSQL, run with the
// distribution's Python (/usr/bin/python3), and each example's slipway.config.ts resolved.
export default defineProject({
  test: {
    name: 'examples',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // Hang guards, not performance limits: each suite takes a few seconds on an idle machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
