import type { SlipwayConfig } from '@slipway/config';
import type { AwsFactory } from '../../aws/api.ts';
import { type DriftFactory, sdkDrift } from '../../aws/drift-api.ts';
import { sdkFactory } from '../../aws/sdk.ts';
import { CliError, type ExitCode } from '../../errors.ts';
import type { Io, Progress } from '../../io.ts';
import { onlineTarget } from '../../online.ts';
import { type DetectOptions, type DriftProgress, type DriftResult, detectDrift } from './detect.ts';
import { exitCode, formatReport } from './report.ts';
import { environmentStacks } from './stacks.ts';

export type { ExpectedMatch, Finding, StackClassification } from './classify.ts';
export { classifyStack } from './classify.ts';
export type { DriftProgress, DriftResult, StackReport } from './detect.ts';
export { detectDrift } from './detect.ts';
export { EXPECTED_DRIFT, type ExpectedDrift } from './expected.ts';
export { exitCode, formatReport } from './report.ts';
export { environmentStacks } from './stacks.ts';

/** What `slipway drift` depends on; tests pass fakes. */
export interface DriftDeps {
  /** The CLI's AWS APIs (the credentials check). @default the AWS SDK */
  readonly factory: AwsFactory;
  /** The CloudFormation drift calls. @default the AWS SDK */
  readonly drift: DriftFactory;
  /** The environment's stack names. @default the stacks the CDK app builds for it */
  readonly stacks: (config: SlipwayConfig, env: string) => string[] | Promise<string[]>;
  /** Clock and polling overrides (tests). @default a real clock, 10 s polls, 20 min at most */
  readonly detect?: Pick<DetectOptions, 'sleep' | 'now' | 'pollIntervalMs' | 'timeoutMs'>;
}

export const defaultDriftDeps: DriftDeps = {
  factory: sdkFactory,
  drift: sdkDrift(),
  stacks: environmentStacks,
};

/** One detection step on the progress display: a spinner line on a terminal, one line each off it. */
function showStep(progress: Progress, event: DriftProgress): void {
  switch (event.kind) {
    case 'started':
    case 'waiting':
      progress.update(event.text);
      return;
    case 'not-started':
    case 'failed':
      progress.fail(event.text);
      return;
    case 'drifted':
      progress.warn(event.text);
      return;
    case 'checked':
      progress.succeed(event.text);
  }
}

/** The one-line error of an incomplete run: the stacks not checked and the first error (all are in the report). */
function incomplete(result: DriftResult, where: string): CliError {
  const failed = result.stacks.filter((s) => s.error);
  const missing = failed.some((s) => /does not exist/i.test(s.error ?? ''));
  const name = result.environment;
  const [first] = failed;
  const which = !first
    ? 'there was no stack to check'
    : failed.length === 1
      ? `${first.stack}: ${first.error}`
      : `${failed.map((s) => s.stack).join(', ')} (${first.stack}: ${first.error}; every stack's error is in the report)`;
  return new CliError(
    'SW222',
    `drift detection did not complete for ${failed.length} of ${result.stacks.length} stacks in ${where}, so nothing is concluded: ${which}`,
    missing ? `slipway status ${name}` : `slipway drift ${name}`,
  );
}

/**
 * `slipway drift <env> [--json]`: CloudFormation drift detection on every stack of the
 * environment, with the differences AWS makes on purpose (EXPECTED_DRIFT) listed apart from real
 * drift. Exit 0 clean, 5 real drift, 1 (SW222, after the report) when a stack could not be
 * checked: an error is never "clean".
 */
export async function driftCommand(
  config: SlipwayConfig,
  envArg: string,
  options: { json?: boolean },
  io: Io,
  deps: DriftDeps = defaultDriftDeps,
): Promise<ExitCode> {
  const target = await onlineTarget(config, envArg, 'drift', deps.factory);
  const { env } = target;
  io.progress.start(`Listing the stacks of ${env.name}`);
  const stacks = await deps.stacks(config, env.name);
  io.progress.succeed(`${stacks.length} stacks of ${env.name} in ${target.where}: ${stacks.join(', ')}`);
  io.progress.start(`Starting drift detection on ${stacks.length} stacks`);
  const result = await detectDrift({
    environment: env.name,
    region: env.region,
    stacks,
    api: deps.drift(env.region),
    progress: (event) => showStep(io.progress, event),
    ...deps.detect,
  });
  io.progress.stop();
  io.out(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatReport(result));
  if (result.outcome === 'error') throw incomplete(result, target.where);
  return exitCode(result);
}
