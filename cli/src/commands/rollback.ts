import { resolveRegistry, type SlipwayConfig } from '@slipway/config';
import { type DeployDeps, deployEnvironment } from '../deploy/deploy.ts';
import { findImage, recentImages, registryApis, rollbackTag, SHA_TAG } from '../deploy/release.ts';
import { resolveEnvironmentName } from '../environments.ts';
import { CliError, EXIT, type ExitCode } from '../errors.ts';
import { table } from '../format.ts';
import type { Io } from '../io.ts';
import { guardRelease } from '../lock/guard.ts';
import { call, type OnlineTarget, onlineTarget } from '../online.ts';
import { isLongRunning, oneLongRunningService } from '../services/select.ts';
import { defaultDeployDeps } from './deploy.ts';
import { rollbackService } from './rollback-service.ts';

/**
 * `slipway rollback <env> [--service <name>] [--to <sha>] [--force-unlock <id>]`: the target is `--to`, else the commit
 * tag of the image `rollback-<env>` points at. With one long-running service the whole environment
 * goes back through the normal deploy path (the release parameter moves; jobs follow). With several,
 * `--service` names one, and only that service goes back: ECS deploys the newest revision of its
 * task definition that ran the target commit, with the service's own strategy, alarms and rollback;
 * the next deploy moves it forward again. No target: the recent images are listed and the command
 * exits 1 (SW214).
 */
export async function rollbackCommand(
  config: SlipwayConfig,
  env: string,
  options: { to?: string; service?: string; forceUnlock?: string },
  io: Io,
  deps: DeployDeps = defaultDeployDeps(io),
): Promise<ExitCode> {
  // The service is checked before any AWS call: a mistyped one or a job changes nothing.
  const resolved = resolveEnvironmentName(config, env, 'rollback').environment;
  const several = resolved.services.filter(isLongRunning).length > 1;
  const service =
    options.service !== undefined || several
      ? oneLongRunningService(
          resolved,
          options.service,
          'rollback',
          `the schedule runs the task definition of the release, and no task runs between runs; roll every service and job back with slipway deploy ${resolved.name} --image <sha>`,
        )
      : undefined;
  const target = await onlineTarget(config, env, 'rollback', deps.factory);
  const name = target.env.name;
  const tag = await rollbackTarget(config, target, options, io, deps);
  if (service && several) {
    const request = { target, command: 'rollback' as const, image: tag, forceUnlock: options.forceUnlock };
    return guardRelease({ ...request, service: service.name }, io, deps.guard ?? {}, () =>
      rollbackService(target, service, tag, io),
    );
  }
  io.progress.info(`Rolling ${name} back to ${resolveRegistry(config).repositoryName}:${tag}`);
  const outcome = await deployEnvironment(
    config,
    { env: name, image: tag, command: 'rollback', forceUnlock: options.forceUnlock },
    deps,
  );
  io.out(`Rolled ${name} back to ${tag}.\nURL: ${outcome.url ?? '(not published yet)'}\n`);
  return EXIT.ok;
}

/** `--to`, else the commit tag of `rollback-<env>`; neither: SW214 after listing the recent images. */
async function rollbackTarget(
  config: SlipwayConfig,
  target: OnlineTarget,
  options: { to?: string; service?: string },
  io: Io,
  deps: DeployDeps,
): Promise<string> {
  const registry = resolveRegistry(config);
  const where = `registry account ${registry.account} (${registry.region})`;
  const name = target.env.name;
  const apis = await call(
    () => registryApis(registry, target.identity, deps.factory, target.aws),
    'rollback',
    name,
    where,
  );
  let tag = options.to;
  if (tag && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
    throw new CliError('SW203', `--to ${tag} is not a valid image tag`, `slipway rollback ${name}`);
  }
  if (!tag) {
    const image = await call(
      () => findImage(apis.ecr, registry.repositoryName, rollbackTag(name)),
      'rollback',
      name,
      where,
    );
    tag = image?.tags.find((t) => SHA_TAG.test(t));
  }
  if (tag) return tag;
  const recent = await call(() => recentImages(apis.ecr, registry.repositoryName), 'rollback', name, where);
  io.err(
    `No rollback-${name} image in ${registry.repositoryName}. Recent images:\n${table([
      ['pushed', 'tags'],
      ...recent.map((i) => [i.pushedAt?.toISOString() ?? '-', i.tags.join(', ')]),
    ])}\n`,
  );
  const first = recent[0]?.tags.find((t) => SHA_TAG.test(t));
  const service = options.service ? ` --service ${options.service}` : '';
  throw new CliError(
    'SW214',
    `no rollback target for ${name} (rollback-${name} is set from the second successful deploy on)`,
    `slipway rollback ${name}${service} --to ${first ?? '<sha>'}`,
  );
}
