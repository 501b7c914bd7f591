import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// The pipelines' tests: the workflows (actionlint, policy, shellcheck, mapping to slipway.config.ts)
// and the helper scripts they call (scripts/). Rooted at the repository so both trees are in reach.
export default defineProject({
  test: {
    name: '.github',
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['.github/tests/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Hang guards, not performance limits: a loaded CI runner is many times slower than an idle laptop.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    exclude: ['**/node_modules/**'],
  },
});
