import type { SlipwayConfig } from '@slipway/config';
import type { AwsFactory } from '../aws/api.ts';
import { sdkFactory } from '../aws/sdk.ts';
import { toolkitDeployer } from '../aws/toolkit.ts';
import { paths } from '../context.ts';
import { type DeployDeps, deployEnvironment } from '../deploy/deploy.ts';
import { EXIT, type ExitCode } from '../errors.ts';
import type { Io } from '../io.ts';
import { synthesize } from '../synth/synthesize.ts';

/** The real dependencies: the AWS SDK, toolkit-lib, and an in-process synth into `<repo>/cdk.out`. */
export function defaultDeployDeps(io: Io, factory: AwsFactory = sdkFactory): DeployDeps {
  return {
    factory,
    io,
    synth: (config, environment) =>
      synthesize(config, { environments: [environment], outdir: paths.assembly }),
    deployer: (dir) => toolkitDeployer(dir, io.progress, io.err),
  };
}

/** `slipway deploy <env> [--image <tag>] [--allow-traffic-reset] [--force-unlock <id>]` */
export async function deployCommand(
  config: SlipwayConfig,
  env: string,
  options: { image?: string; allowTrafficReset?: boolean; forceUnlock?: string },
  io: Io,
  deps: DeployDeps = defaultDeployDeps(io),
): Promise<ExitCode> {
  const outcome = await deployEnvironment(config, { env, ...options, command: 'deploy' }, deps);
  io.out(
    `Deployed ${env}${outcome.image ? ` with image ${outcome.image}` : ' (infrastructure only; the running image is unchanged)'}.\n` +
      `URL: ${outcome.url ?? '(not published yet)'}\n`,
  );
  return EXIT.ok;
}
