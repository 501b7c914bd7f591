import type { SlipwayConfig } from '@slipway/config';
import { resolveEnvironmentName } from '../environments.ts';
import { EXIT, type ExitCode } from '../errors.ts';
import type { Io } from '../io.ts';
import { type ApprovalSource, approvalSource, checkApproval } from './check.ts';

/**
 * `slipway ci check-approval <env> [--github-environment <name>]`: for an environment that needs
 * a reviewer's approval (`protected`, or `approval: true`), verifies that its GitHub Environment
 * requires one (SW265 when not, SW266 when it cannot tell; both stop the deploy job). Any other
 * environment passes at once, with one line saying so.
 */
export async function checkApprovalCommand(
  config: SlipwayConfig,
  envArg: string,
  options: { githubEnvironment?: string },
  io: Io,
  source: ApprovalSource = approvalSource(),
): Promise<ExitCode> {
  const { name, environment } = resolveEnvironmentName(config, envArg, 'ci check-approval');
  const githubEnvironment = options.githubEnvironment ?? name;
  if (!environment.approval) {
    io.out(`${name} needs no approval (approval: false); nothing to check.\n`);
    return EXIT.ok;
  }
  const verdict = await checkApproval({ name, approval: true }, githubEnvironment, source);
  io.out(
    `${name}: GitHub Environment "${verdict.githubEnvironment}" requires a reviewer's approval (${verdict.reviewers.join(', ')}; self-review prevented).\n`,
  );
  return EXIT.ok;
}
