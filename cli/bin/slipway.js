#!/usr/bin/env node
// The `slipway` command. In Slipway's own repository it runs the CLI from its TypeScript sources
// with no build step (Node.js strips the types; tsx, a root devDependency, where it does not); the
// published package has no sources, only the JavaScript built from them
// (scripts/packaging/build.ts), which it runs as is.

// Checked before anything else loads: on an older Node.js the AWS SDK prints a deprecation banner
// and tsx or the sources may fail with a stack trace instead of saying what is wrong.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `error SW237: slipway needs Node.js 24 or later; this is ${process.version}. Next: nvm install 24 (or use the version in .nvmrc)\n`,
  );
  process.exit(2);
}

const debug = ['1', 'true'].includes(process.env.SLIPWAY_DEBUG ?? '') || process.argv.includes('--verbose');

/**
 * An error outside `main` (the sources failing to load, a socket error after a command returned):
 * the same one SW235 line `main` prints for an unexpected error, the stack only when debugging.
 */
function unexpected(error) {
  const err = error instanceof Error ? error : new Error(String(error));
  if (debug) process.stderr.write(`${err.stack}\n`);
  const first = err.message.split('\n').find((l) => l.trim() !== '') ?? '';
  const name = err.name && err.name !== 'Error' ? `${err.name}: ` : '';
  process.stderr.write(
    `error SW235: unexpected error: ${name}${first}. Next: rerun with --verbose (or SLIPWAY_DEBUG=1) for the stack\n`,
  );
  process.exit(1);
}
process.on('uncaughtException', unexpected);
process.on('unhandledRejection', unexpected);

// V8 keeps the bytecode of what it compiles (aws-cdk-lib is thousands of modules) in Node.js's
// compile cache folder, so the next run reads it instead of compiling again: about a second less
// CPU for a plan that synthesizes. Only a cache: a stale or missing entry is compiled as before.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();

const { existsSync } = await import('node:fs');
const source = new URL('../src/main.ts', import.meta.url);
let main;
if (existsSync(source)) {
  // Node.js 24 strips the types of the sources itself (they use erasable syntax only: the
  // tsconfig's erasableSyntaxOnly holds them to it); tsx only where that is switched off.
  if (!process.features.typescript) {
    const { register } = await import('tsx/esm/api');
    register();
  }
  ({ main } = await import(source.href));
} else {
  ({ main } = await import('../src/main.js'));
}
const code = await main(process.argv.slice(2));
process.exitCode = code;
// An idle SDK socket or worker must not keep a finished command alive; the timer is unref'd,
// so a process that is already done exits at once.
setTimeout(() => process.exit(code), 200).unref();
