#!/usr/bin/env node
// The `slipway` command: registers tsx (a root devDependency) so the CLI runs from its TypeScript
// sources with no build step, then hands over to src/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// An idle SDK socket or worker must not keep a finished command alive; the timer is unref'd,
// so a process that is already done exits at once.
setTimeout(() => process.exit(code), 200).unref();
