import { defineProject } from 'vitest/config';

// The service's tests run against the embedded PostgreSQL (PGlite) and the real PostgreSQL on
// 127.0.0.1:5432 (TEST_DATABASE_URL overrides it); each test file uses its own schema or database.
// test/global-setup.ts builds the production bundle once and prepares a PGlite template.
export default defineProject({
  test: {
    name: 'app',
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/.data/**'],
    globalSetup: ['test/global-setup.ts'],
    // Child processes (the bundled server, migrate runs) receive real signals: forks, not threads.
    pool: 'forks',
    // Hang guards, not performance limits: every wait inside the tests is on a condition (a status
    // answered, a session seen, a process exited), and on a busy machine starting PGlite alone can
    // take 30 s.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { LOG_LEVEL: 'silent' },
  },
});
