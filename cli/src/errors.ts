/**
 * The CLI error catalog. Every error `slipway` prints is one line: the code, what happened, and
 * the next command to run. `docs/reference/errors.md` (section "CLI") lists each code with how to
 * solve it; `errors.test.ts` keeps the two in sync.
 *
 * Exit codes: 0 success; 1 the operation failed (a policy finding, a failed deploy, a failed
 * doctor check); 2 usage (unknown environment, command or flag, bad value, invalid config);
 * 3 missing AWS credentials or access; 4 refused by a guard (deployment in progress, traffic
 * reset, protected environment, unconfirmed destroy); 5 a verdict, not a failure: `drift` found
 * real drift (its own code, so a pipeline can tell drift from a run that could not check).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, credentials: 3, refused: 4, drifted: 5 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const CLI_ERRORS = {
  SW201: {
    title: 'unknown environment',
    exit: EXIT.usage,
    solve:
      'Use an environment defined under `environments` in slipway.config.ts (or `pr-<number>` when previews are enabled); the message names the closest one.',
  },
  SW202: {
    title: 'unknown command or flag',
    exit: EXIT.usage,
    solve: 'Use a command or flag that `slipway --help` lists; the message names the closest one.',
  },
  SW203: {
    title: 'invalid or missing argument',
    exit: EXIT.usage,
    solve:
      'Give the argument or option a value in the format the message shows (e.g. `slipway plan dev`, `--since 10m`, `--image <tag>`).',
  },
  SW204: {
    title: 'invalid configuration',
    exit: EXIT.usage,
    solve: 'Fix the keys listed above the error in slipway.config.ts (each has its own SW1xx code).',
  },
  SW205: {
    title: 'policy check failed',
    exit: EXIT.failed,
    solve:
      'Fix the findings `slipway plan` lists (cdk-nag, Control Tower, CloudFormation validation, cfn-lint), or acknowledge one with its reason: a cdk-nag finding on the narrowest construct, a Control Tower one in infra/src/policy/control-tower/acknowledgements.ts.',
  },
  SW206: {
    title: 'AWS credentials missing',
    exit: EXIT.credentials,
    solve:
      'Provide credentials for the account the message names (AWS_PROFILE, SSO login, or the pipeline role via OIDC); offline commands (`plan`, `doctor` without an environment) need none.',
  },
  SW207: {
    title: 'AWS access denied',
    exit: EXIT.credentials,
    solve: 'Use a role that has the permissions the message names (the CI deploy role has them).',
  },
  SW208: {
    title: 'deployment already in progress',
    exit: EXIT.refused,
    solve: 'Wait for the running deployment to finish (`slipway status <env>`), then run the command again.',
  },
  SW209: {
    title: 'deploy would reset production traffic',
    exit: EXIT.refused,
    solve:
      'The production listener rule or its target groups would change, which can send traffic back to the old tasks (aws/aws-cdk#36649). Review `slipway diff <env>`; if intended, deploy with `--allow-traffic-reset` in a quiet period.',
  },
  SW210: {
    title: 'image not in the registry',
    exit: EXIT.failed,
    solve:
      'Push the image first (the app pipeline tags every build with its commit sha; with several built images, every one of them), or pick a tag that exists in every repository the message names.',
  },
  SW211: {
    title: 'deploy failed',
    exit: EXIT.failed,
    solve:
      'Read the failed stack events printed above; the release parameter was restored, so the next deploy starts from the previous image.',
  },
  SW212: {
    title: 'protected environment',
    exit: EXIT.refused,
    solve: 'Destroying a protected environment needs `--allow-protected` as well as the confirmation.',
  },
  SW213: {
    title: 'destroy not confirmed',
    exit: EXIT.refused,
    solve:
      'Type the environment name when asked, or pass `--yes` in automation (a non-interactive run needs it).',
  },
  SW214: {
    title: 'no rollback target',
    exit: EXIT.failed,
    solve:
      'No `rollback-<env>` tag exists yet (it is set by the second successful deploy); pick one of the listed images with `--to <sha>`.',
  },
  SW215: {
    title: 'environment not deployed',
    exit: EXIT.failed,
    solve:
      'Deploy the environment first (`slipway deploy <env>`); the command reads what the deploy wrote to SSM.',
  },
  SW216: {
    title: 'no running task',
    exit: EXIT.failed,
    solve: 'The service runs no task (it runs none until an image is deployed); deploy an image first.',
  },
  SW217: {
    title: 'session-manager-plugin missing',
    exit: EXIT.failed,
    solve:
      'Install the AWS Session Manager plugin (needed by ECS Exec): https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html',
  },
  SW218: {
    title: 'doctor found a problem',
    exit: EXIT.failed,
    solve: 'Fix the checks marked ✗ above; each line says what to do.',
  },
  SW219: {
    title: 'registry record not updated',
    exit: EXIT.ok,
    solve:
      'A warning: the deploy succeeded but the `deployed-<env>`/`rollback-<env>` tags were not moved. Give the deployer ecr:BatchGetImage and ecr:PutImage in the registry (or set SLIPWAY_REGISTRY_ROLE_ARN to a role that has them).',
  },
  SW220: {
    title: 'AWS call failed',
    exit: EXIT.failed,
    solve:
      'Read the AWS error in the message; run `slipway doctor <env>` to check the account prerequisites.',
  },
  SW221: {
    title: 'environment did not wake',
    exit: EXIT.failed,
    solve:
      'Outside its office hours (`officeHours`) a deploy first starts the NAT instance and the database; one did not come up in time. Check it in `slipway status <env>` or the RDS/EC2 console events, then deploy again.',
  },
  SW222: {
    title: 'drift detection incomplete',
    exit: EXIT.failed,
    solve:
      "Read each stack's error in the drift report: a stack not deployed yet (`slipway status <env>`), access denied (the role needs cloudformation:DetectStackDrift, DescribeStackDriftDetectionStatus, DescribeStackResourceDrifts and read access to the resources checked; the CI plan role has them), or a detection that failed or outlasted 20 minutes (run `slipway drift <env>` again). Nothing is concluded until every stack is checked.",
  },
  SW230: {
    title: 'config file not found',
    exit: EXIT.usage,
    solve:
      'Run slipway inside your project: it looks for slipway.config.ts in the working directory and each folder above it. Or name the file with `--config <path>` (or `SLIPWAY_CONFIG`).',
  },
  SW231: {
    title: 'config path is a folder',
    exit: EXIT.usage,
    solve:
      'Point `--config` (or `SLIPWAY_CONFIG`) at the file, e.g. `--config <folder>/slipway.config.ts`; a folder is accepted only when it holds a slipway.config.ts.',
  },
  SW232: {
    title: 'config syntax error',
    exit: EXIT.usage,
    solve:
      'Fix the TypeScript at the line and column the message names (the caret above the error marks the spot); `npx tsc --noEmit` lists every error.',
  },
  SW233: {
    title: 'config failed while loading',
    exit: EXIT.usage,
    solve:
      'The config file threw an error when it ran, at the line the message names; fix that code. Rerun with `--verbose` (or `SLIPWAY_DEBUG=1`) for the stack.',
  },
  SW234: {
    title: 'config imports something missing',
    exit: EXIT.usage,
    solve:
      'Install the package the message names where the config is (`npm install <package>`), or fix the import path; a config outside the project cannot import `@slipway/config` unless it is installed beside it.',
  },
  SW235: {
    title: 'unexpected error',
    exit: EXIT.failed,
    solve:
      'A fault in slipway or a tool it runs, not in the input. Rerun with `--verbose` (or `SLIPWAY_DEBUG=1`) for the stack, and report it with that output.',
  },
  SW236: {
    title: 'output path is not a folder',
    exit: EXIT.usage,
    solve: '`--out` names a folder (created when missing); give a folder path, not a file.',
  },
  SW237: {
    title: 'Node.js too old',
    exit: EXIT.usage,
    solve: 'Run slipway with Node.js 24 or later (`nvm install 24`, or the version in .nvmrc).',
  },
  SW239: {
    title: 'another slipway run is in progress',
    exit: EXIT.refused,
    solve:
      'Another `slipway` command (plan, deploy, destroy, doctor) on this checkout is writing the cloud assembly (`cdk.out`); wait for it to finish, then run the command again. A lock left by a run that was killed is taken over by itself.',
  },
  SW238: {
    title: 'config is not a TypeScript module',
    exit: EXIT.usage,
    solve:
      'The config is TypeScript (`slipway.config.ts` with `export default defineConfig({...})`), not JSON or YAML; point `--config` at such a file.',
  },
  SW240: {
    title: 'unknown service',
    exit: EXIT.usage,
    solve:
      'Use a service declared under `services` in slipway.config.ts (the `app` shorthand declares one, `web`); the message lists them and names the closest one.',
  },
  SW241: {
    title: 'service not named',
    exit: EXIT.usage,
    solve:
      'The environment runs more than one long-running service (web, backend, worker); name one with `--service <name>` (the message lists them).',
  },
  SW242: {
    title: 'not possible for this service type',
    exit: EXIT.usage,
    solve:
      'The command does not apply to that type: a job runs no long-lived task (`exec`, `rollback`: run it with `slipway run <env> <job>`, roll it back with the release, `slipway deploy <env> --image <sha>`); `run` takes a job.',
  },
  SW243: {
    title: 'job run failed',
    exit: EXIT.failed,
    solve:
      "Read the container's exit code, the stop reason and the log lines printed above; the execution's history in the Step Functions console has every attempt. Fix the job, deploy, and `slipway run <env> <job>` again.",
  },
  SW244: {
    title: 'job run timed out',
    exit: EXIT.failed,
    solve:
      'The execution outlasted its budget (every attempt at `timeoutMinutes`, plus the retry waits). Make the job finish sooner or raise `services.<job>.timeoutMinutes`, deploy, and run it again.',
  },
  SW245: {
    title: 'no task definition for the rollback target',
    exit: EXIT.failed,
    solve:
      'A service rollback reuses a task definition revision of the service that ran the target commit; none of the recent revisions did. Pick a commit the message lists with `--to <sha>`, or roll the whole environment back with `slipway deploy <env> --image <sha>`.',
  },
  SW246: {
    title: 'file exists',
    exit: EXIT.refused,
    solve:
      '`slipway init` never overwrites a file (slipway.config.ts, the workflows, package.json): move the files the message names away, or run it again with `--force` to replace them.',
  },
  SW247: {
    title: 'Copilot folder not found',
    exit: EXIT.usage,
    solve:
      'Run `slipway init --from-copilot` in the folder that holds `copilot/` (with its `.workspace` file), or name the Copilot folder: `slipway init --from-copilot path/to/copilot`.',
  },
  SW248: {
    title: 'init cannot detect a value',
    exit: EXIT.usage,
    solve:
      '`slipway init` found no Dockerfile, or no port or health path, and cannot ask off a terminal: pass the flag the message names (`--dockerfile`, `--port`, `--health-path`), run it on a terminal to be asked, or add `--yes` to write placeholders.',
  },
  SW249: {
    title: 'Copilot manifest unreadable',
    exit: EXIT.usage,
    solve:
      'Fix the YAML of the manifest the message names (`copilot svc show` / `copilot env show` read the same files), then run the import again.',
  },
  SW257: {
    title: 'on-demand deploy of an unknown environment',
    exit: EXIT.usage,
    solve:
      'Choose an environment defined under `environments` in slipway.config.ts (the workflow offers exactly those); pull-request previews deploy through their own workflow.',
  },
  SW258: {
    title: 'on-demand deploy with an invalid image tag',
    exit: EXIT.usage,
    solve:
      'Give a tag that is in the registry: 1-128 of A-Z a-z 0-9 _ . -, not starting with . or - (a commit sha, or a tag like v1.2.3); leave it empty to deploy the infrastructure only.',
  },
  SW261: {
    title: 'environment locked',
    exit: EXIT.refused,
    solve:
      'Another deploy, rollback or destroy of the environment holds its lock (the message names who, what and since when). Wait for it to end (`slipway history <env>`); if its run is gone (killed runner, closed laptop), remove the lock with `--force-unlock <id>` on the same command. See docs/release-safety.md.',
  },
  SW262: {
    title: 'force-unlock names another lock',
    exit: EXIT.refused,
    solve:
      'The lock was released or taken by another run since you read its id. Check `slipway history <env>`, then pass the id the message names, if that run is really gone.',
  },
  SW263: {
    title: 'audit record not written',
    exit: EXIT.failed,
    solve:
      'Every release starts with an audit record in the `/<app>/<env>/releases` log group; the role needs logs:CreateLogGroup, PutRetentionPolicy, CreateLogStream and PutLogEvents on it (the CI deploy role has them once the CI access stack is deployed). Nothing was changed.',
  },
  SW264: {
    title: 'final audit record not written',
    exit: EXIT.ok,
    solve:
      "A warning: the command finished (with the result the message names), but its final audit record is missing, so `slipway history` shows it unfinished. Check the role's logs:PutLogEvents on the `/<app>/<env>/releases` log group.",
  },
  SW265: {
    title: 'approval not configured',
    exit: EXIT.refused,
    solve:
      "The environment needs a reviewer's approval (`protected`, or `approval: true`), but its GitHub Environment has no required reviewers (or lets the person who started the run approve it). Add reviewers and tick 'Prevent self-review' under Settings → Environments → <env> (docs/release-safety.md).",
  },
  SW266: {
    title: 'approval could not be checked',
    exit: EXIT.failed,
    solve:
      'Reading the GitHub Environment failed (no token or repository, 401/403, a network error, an unexpected answer); the check fails closed. Give the workflow token `actions: read` (or a token that can read the repository), set GITHUB_REPOSITORY, and run it again.',
  },
  SW267: {
    title: 'lock not released',
    exit: EXIT.ok,
    solve:
      'A warning: the command finished, but deleting its lock failed, so the next deploy of the environment is refused until it is removed. Run the command the message names (`--force-unlock <id>`, or `aws ssm delete-parameter`).',
  },
  SW253: {
    title: 'image not replicated to the environment',
    exit: EXIT.failed,
    solve:
      "The image is in the registry but not in the environment's own account and region, where its tasks pull from with `registry.replication`. Deploy the account stacks (the registry and the environment's `<app>-registry-replica-<account>-<region>`), wait a few minutes, or deploy a commit built since: ECR copies only pushes made after replication was set up, so an older tag must be pulled from the registry and pushed to the environment's registry by hand. See docs/images.md, \"Regional images\".",
  },
} as const;

export type CliErrorCode = keyof typeof CLI_ERRORS;

/** An error the CLI prints as one line and turns into its exit code. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly code: CliErrorCode;
  /** The next command to run, printed after the message. */
  readonly next?: string;

  constructor(code: CliErrorCode, message: string, next?: string, more: CliErrorDetails = {}) {
    super(message, { cause: more.cause });
    this.code = code;
    this.next = next;
    this.name = 'CliError';
    this.exitCode = CLI_ERRORS[code].exit;
    this.details = more;
  }

  /** What `--json` adds to the error object (the key path or file, a location, the list of config errors). */
  readonly details: CliErrorDetails;
}

/** Where an error points, for `--json` and for the lines printed above the error. */
export interface CliErrorDetails {
  /** The config key path or the file the error is about. */
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
  /** Every config error, when the error sums up several. */
  readonly errors?: readonly { code: string; message: string; path: string }[];
  readonly cause?: unknown;
}

/** `error SW201: unknown environment "dve" (did you mean "dev"?). Next: slipway plan dev` */
export function formatCliError(error: CliError): string {
  const kind = error.exitCode === EXIT.ok ? 'warning' : 'error';
  return `${kind} ${error.code}: ${error.message}${error.next ? `. Next: ${error.next}` : ''}`;
}
