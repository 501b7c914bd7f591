import { spawn, spawnSync } from 'node:child_process';
import type { SlipwayConfig } from '@slipway/config';
import { APP_CONTAINER_NAME } from '@slipway/config/contract';
import type { AwsFactory } from '../aws/api.ts';
import { sdkFactory } from '../aws/sdk.ts';
import { resolveEnvironmentName } from '../environments.ts';
import { CliError, EXIT, type ExitCode } from '../errors.ts';
import type { Io } from '../io.ts';
import { call, onlineTarget, serviceNames } from '../online.ts';
import { oneLongRunningService } from '../services/select.ts';

export interface ExecDeps {
  readonly factory: AwsFactory;
  /** Whether session-manager-plugin (which ECS Exec sessions run through) is installed. */
  readonly pluginInstalled: () => boolean;
  /** Runs session-manager-plugin with these arguments, attached to the terminal; resolves to its exit code. */
  readonly runPlugin: (args: string[]) => Promise<number>;
}

export const realExecDeps: ExecDeps = {
  factory: sdkFactory,
  pluginInstalled: () => spawnSync('session-manager-plugin', ['--version'], { stdio: 'ignore' }).status === 0,
  runPlugin: (args) =>
    new Promise((resolve, reject) => {
      const child = spawn('session-manager-plugin', args, { stdio: 'inherit' });
      child.once('error', reject);
      child.once('exit', (code) => resolve(code ?? 1));
    }),
};

/**
 * The session-manager-plugin arguments for an ECS Exec session, as the AWS CLI passes them:
 * session JSON, region, the operation name, an (empty) profile, the target as JSON, endpoint.
 */
export function pluginArguments(
  session: { sessionId: string; streamUrl: string; tokenValue: string },
  region: string,
  target: string,
): string[] {
  return [
    JSON.stringify({
      SessionId: session.sessionId,
      StreamUrl: session.streamUrl,
      TokenValue: session.tokenValue,
    }),
    region,
    'StartSession',
    '',
    JSON.stringify({ Target: target }),
    `https://ssm.${region}.amazonaws.com`,
  ];
}

/**
 * `slipway exec <env> [--service <name>] [--command <cmd>]`: ECS Exec into the first running task
 * of the service (the only long-running one, or the one named).
 */
export async function execCommand(
  config: SlipwayConfig,
  envArg: string,
  options: { command: string; service?: string },
  io: Io,
  deps: ExecDeps = realExecDeps,
): Promise<ExitCode> {
  // A mistyped environment or service is named first: installing the plugin would not have helped.
  const { environment } = resolveEnvironmentName(config, envArg, 'exec');
  const chosen = oneLongRunningService(
    environment,
    options.service,
    'exec',
    'it runs no long-lived task to open a shell in',
  );
  if (!deps.pluginInstalled()) {
    throw new CliError(
      'SW217',
      'session-manager-plugin is not installed (ECS Exec sessions run through it)',
      'install it, then slipway doctor',
    );
  }
  const target = await onlineTarget(config, envArg, 'exec', deps.factory);
  const { cluster, service } = await serviceNames(target, 'exec', chosen);
  const tasks = await call(
    () => target.aws.ecs.runningTasks(cluster, service),
    'exec',
    target.env.name,
    target.where,
  );
  const task = tasks[0];
  if (!task) {
    throw new CliError(
      'SW216',
      `${service} in ${cluster} has no running task`,
      `slipway deploy ${target.env.name} --image <tag>`,
    );
  }
  io.progress.info(`ECS Exec into ${task.split('/').pop()} (${options.command})`);
  const started = await call(
    () =>
      target.aws.ecs.executeCommand({
        cluster,
        task,
        container: APP_CONTAINER_NAME,
        command: options.command,
      }),
    'exec',
    target.env.name,
    target.where,
  );
  const code = await deps.runPlugin(pluginArguments(started.session, target.env.region, started.target));
  return code === 0 ? EXIT.ok : EXIT.failed;
}
