import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// One `vitest run` at the root runs every workspace's suite; each workspace has its own
// vitest.config.ts with the timeouts and setup it needs.
const projects = ['config', 'app', 'infra', 'cli', 'testing', '.github', 'examples']
  .map((dir) => `${dir}/vitest.config.ts`)
  .filter((file) => existsSync(file));

// Most test time is spent waiting (PostgreSQL, child processes, cfn-lint) or synthesizing: two
// files at a time suits a 2-core runner. Set here, not per project: Vitest refuses projects with different worker
// counts in the same group.
export default defineConfig({ test: { projects, maxWorkers: 2 } });
