/*
 * Reusing the handlers' bundles across synths:
 *   - a handler's asset hash is known before bundling, the same on every call, and differs between
 *     handlers and between bundling options;
 *   - a second synth into the same assembly folder, emptied but for its staged assets, reuses the
 *     bundle CDK staged the first time instead of running esbuild again (counted where CDK starts
 *     it), and names the same asset in its template;
 *   - a staged asset no stack refers to any more is removed after the synth.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { emptyKeepingAssets, pruneAssets } from '../assembly-dir.ts';
import { FUNCTIONS_DIR } from '../package-files.ts';
import { HandlerFunction } from './deployment/hook-function.ts';
import { handlerBundling } from './handler-bundling.ts';

const entry = (name: string) => `${FUNCTIONS_DIR}${name}/index.ts`;

// The module object CDK's bundling calls spawnSync on (aws-lambda-nodejs's `exec`), looked up at
// each call: counting the calls that run esbuild there counts the bundlings.
const childProcess = createRequire(import.meta.url)(
  'node:child_process',
) as typeof import('node:child_process');

/** Runs `fn`, counting the esbuild runs CDK starts meanwhile. */
function countingEsbuild(fn: () => string): { value: string; esbuildRuns: number } {
  const original = childProcess.spawnSync;
  let esbuildRuns = 0;
  childProcess.spawnSync = ((...args: Parameters<typeof original>) => {
    if (JSON.stringify(args).includes('esbuild')) esbuildRuns += 1;
    return original(...args);
  }) as typeof original;
  try {
    return { value: fn(), esbuildRuns };
  } finally {
    childProcess.spawnSync = original;
  }
}

/** Synthesizes one stack with the smoke hook, bundled, into `outdir`; its template's asset key. */
function synthSmokeHook(outdir: string): string {
  emptyKeepingAssets(outdir);
  const app = new App({ outdir });
  const stack = new Stack(app, 'Hooks', { env: { account: '111111111111', region: 'us-east-1' } });
  new HandlerFunction(stack, 'Smoke', { handler: 'smoke-hook', environment: {} });
  const assembly = app.synth();
  pruneAssets(outdir);
  const template = JSON.stringify(assembly.getStackByName('Hooks').template);
  const key = /"S3Key":"([0-9a-f]{64})\.zip"/.exec(template)?.[1];
  if (!key) throw new Error('no asset key in the template');
  return key;
}

describe('handler bundles reused by content hash', () => {
  it('knows each handler’s hash up front: stable, and different per handler and per options', () => {
    const smoke = handlerBundling(entry('smoke-hook')).assetHash;
    expect(smoke).toMatch(/^[0-9a-f]{64}$/);
    expect(handlerBundling(entry('smoke-hook')).assetHash).toBe(smoke);
    expect(handlerBundling(entry('migrate-hook')).assetHash).not.toBe(smoke);
    expect(handlerBundling(entry('smoke-hook'), { sourceMap: true }).assetHash).not.toBe(smoke);
  });

  it('stages the bundle once and reuses it in the next synth of the same folder', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'slipway-bundles-'));
    const first = countingEsbuild(() => synthSmokeHook(outdir));
    expect(first.esbuildRuns).toBe(1);
    expect(existsSync(join(outdir, `asset.${first.value}`, 'index.mjs'))).toBe(true);
    const stale = join(outdir, 'asset.0000');
    mkdirSync(stale);

    const second = countingEsbuild(() => synthSmokeHook(outdir));
    expect(second.esbuildRuns).toBe(0);
    expect(second.value).toBe(first.value);
    expect(existsSync(stale)).toBe(false);

    // Negative control: a fresh folder bundles again.
    expect(
      countingEsbuild(() => synthSmokeHook(mkdtempSync(join(tmpdir(), 'slipway-bundles-')))).esbuildRuns,
    ).toBe(1);
  }, 120_000);
});
