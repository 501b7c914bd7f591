import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesUnder, TEST_FILE } from '@slipway/config/contract';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { FUNCTIONS_DIR, HANDLER_LOCK_FILE } from '../package-files.ts';

/*
 * How Slipway's Lambda handlers are bundled, and the content hash that lets a synth reuse a bundle.
 *
 * CDK names a bundled asset after a hash of its output by default, so it must run esbuild on every
 * synth to learn the name. Given a hash up front (`assetHash`), it looks for `asset.<hash>` in the
 * cloud assembly first and bundles only when it is missing; `synthesizeApp` keeps those folders
 * when it empties the assembly. The hash covers everything a bundle is made from: the handlers'
 * sources (`functions/`, shared code included), @slipway/config's sources (the handlers import
 * its contract), the lock file (the SDK versions inlined), esbuild's and aws-cdk-lib's versions
 * and the bundling options.
 */

const require = createRequire(import.meta.url);

function versionOf(pkg: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string })
    .version;
}

let inputs: string | undefined;

/** A hash of what every handler bundle is made from, read once per process. */
function inputsHash(): string {
  if (inputs) return inputs;
  const hash = createHash('sha256');
  // @slipway/config's src/ (its contract, at src/contract/index, imports from across src/).
  const configSources = dirname(dirname(fileURLToPath(import.meta.resolve('@slipway/config/contract'))));
  for (const root of [FUNCTIONS_DIR, configSources]) {
    for (const file of filesUnder(root, { skip: (name) => TEST_FILE.test(name) || name === 'node_modules' }))
      hash.update(relative(root, file)).update('\0').update(readFileSync(file));
  }
  hash.update(readFileSync(HANDLER_LOCK_FILE));
  hash.update(`esbuild ${versionOf('esbuild')} aws-cdk-lib ${versionOf('aws-cdk-lib')}`);
  inputs = hash.digest('hex');
  return inputs;
}

export interface HandlerBundlingOptions {
  /** Ship a source map (stack traces name the TypeScript lines; needs `--enable-source-maps`). @default false */
  readonly sourceMap?: boolean;
  /** esbuild's `mainFields`. @default esbuild's own for the platform */
  readonly mainFields?: string[];
  /** esbuild's `target`. @default the runtime's */
  readonly target?: string;
}

/**
 * The bundling of one handler (`entry`, under `functions/`): one minified ESM file with its
 * dependencies (the AWS SDK clients) inlined, esbuild's size table silenced (its errors still
 * print), and an `assetHash` from the sources, so an unchanged handler is not bundled again.
 */
export function handlerBundling(entry: string, options: HandlerBundlingOptions = {}): nodejs.BundlingOptions {
  const bundling = {
    logLevel: nodejs.LogLevel.ERROR,
    format: nodejs.OutputFormat.ESM,
    externalModules: [],
    minify: true,
    sourceMap: options.sourceMap ?? false,
    ...(options.mainFields ? { mainFields: options.mainFields } : {}),
    ...(options.target ? { target: options.target } : {}),
    // Bundled CommonJS dependencies (the AWS SDK) still call require(); give ESM one.
    banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  } satisfies nodejs.BundlingOptions;
  const assetHash = createHash('sha256')
    .update(inputsHash())
    .update(relative(FUNCTIONS_DIR, entry))
    .update(JSON.stringify(bundling))
    .digest('hex');
  return { ...bundling, assetHash };
}
