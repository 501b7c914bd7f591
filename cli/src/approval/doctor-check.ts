import type { SlipwayConfig } from '@slipway/config';
import { resolveEnvironmentName } from '../environments.ts';
import { CliError } from '../errors.ts';
import { type ApprovalSource, checkApproval } from './check.ts';

/** One line of `slipway doctor <env>` (the shape of doctor's checks). */
export interface ApprovalDoctorCheck {
  readonly name: 'approval';
  readonly result: 'ok' | 'fail';
  readonly detail: string;
  readonly fix?: string;
}

/**
 * `slipway doctor <env>`'s approval line: the same check the deploy workflow runs before it
 * deploys (check.ts), failing closed. Outside a workflow the repository comes from the config's
 * `github` and the token from `$GITHUB_TOKEN` (or `$GH_TOKEN`, e.g. `GH_TOKEN=$(gh auth token)`).
 */
export async function approvalDoctorCheck(
  config: SlipwayConfig,
  envArg: string,
  source: ApprovalSource,
): Promise<ApprovalDoctorCheck> {
  const { name, environment } = resolveEnvironmentName(config, envArg, 'doctor');
  if (!environment.approval) return { name: 'approval', result: 'ok', detail: `${name} needs no approval` };
  const repository =
    source.repository || (config.github ? `${config.github.owner}/${config.github.repository}` : undefined);
  try {
    const verdict = await checkApproval({ name, approval: true }, name, { ...source, repository });
    return {
      name: 'approval',
      result: 'ok',
      detail: `GitHub Environment "${verdict.githubEnvironment}" of ${repository ?? ''} requires a reviewer (${verdict.reviewers.join(', ')}; self-review prevented)`,
    };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return { name: 'approval', result: 'fail', detail: `${error.code}: ${error.message}`, fix: error.next };
  }
}
