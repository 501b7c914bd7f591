#!/usr/bin/env node
// The `slipway` command: registers tsx (a root devDependency) so the CLI runs from its TypeScript
// sources with no build step, then hands over to src/main.ts.

// Checked before anything else loads: on an older Node.js the AWS SDK prints a deprecation banner
// and tsx or the sources may fail with a stack trace instead of saying what is wrong.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `error SW237: slipway needs Node.js 24 or later; this is ${process.version}. Next: nvm install 24 (or use the version in .nvmrc)\n`,
  );
  process.exit(2);
}

const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// An idle SDK socket or worker must not keep a finished command alive; the timer is unref'd,
// so a process that is already done exits at once.
setTimeout(() => process.exit(code), 200).unref();
