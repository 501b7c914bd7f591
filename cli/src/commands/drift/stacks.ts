import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SlipwayConfig } from '@slipway/config';
import { buildApp } from '@slipway/infra';
import { Stack } from 'aws-cdk-lib';

/**
 * The environment's stacks, as the CDK app builds them (so neither the naming, `stackName` of
 * @slipway/infra, nor which layers exist is repeated here). Builds the app without bundling or
 * synthesizing: drift detection compares the live resources with the templates CloudFormation
 * holds, so only the names are needed, and constructing the app takes a fraction of a synth.
 * The account-level stacks (audit, CI access) are left out: they are shared by environments.
 */
export function environmentStacks(config: SlipwayConfig, environment: string): string[] {
  const outdir = mkdtempSync(join(tmpdir(), 'slipway-drift-'));
  try {
    const built = buildApp(config, {
      environments: [environment],
      appProps: { outdir, context: { 'aws:cdk:bundling-stacks': [] } },
    });
    const stacks = built.stacks[environment];
    if (!stacks) throw new Error(`buildApp made no stacks for "${environment}"`);
    return Object.values(stacks)
      .filter((value): value is Stack => Stack.isStack(value))
      .map((stack) => stack.stackName);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
