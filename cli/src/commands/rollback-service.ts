import type { ResolvedService } from '@slipway/config';
import { CliError, EXIT, type ExitCode } from '../errors.ts';
import type { Io } from '../io.ts';
import { call, type OnlineTarget, serviceNames } from '../online.ts';

/** How many of a service's newest task definition revisions a rollback looks through. */
const REVISIONS_SEARCHED = 25;

/** `web:12` from a task definition ARN. */
const revisionOf = (arn: string) => arn.split('/').pop() ?? arn;

/** The image tag (commit sha) of the `app` container of a task definition, if it has one. */
function appTag(images: Record<string, string>): string | undefined {
  const image = images.app ?? Object.values(images)[0];
  return image?.includes(':') ? image.split(':').pop() : undefined;
}

/**
 * Rolls one long-running service back to `tag` on its own: ECS deploys the newest revision of the
 * service's task definition family whose `app` container ran that commit, with the service's own
 * deployment strategy, alarms and automatic rollback. CloudFormation is not involved, so the other
 * services keep running the release, and the next `slipway deploy` moves this one forward again.
 */
export async function rollbackService(
  target: OnlineTarget,
  service: ResolvedService,
  tag: string,
  io: Io,
): Promise<ExitCode> {
  const { env, aws, where } = target;
  const aws_ = <T>(fn: () => Promise<T>) => call(fn, 'rollback', env.name, where);
  const { cluster, service: ecsName } = await serviceNames(target, 'rollback', service);
  const state = await aws_(() => aws.ecs.describeService(cluster, ecsName));
  const current = state?.taskDefinition;
  if (!current) {
    throw new CliError(
      'SW215',
      `${service.name} has no ECS service in ${cluster} yet`,
      `slipway deploy ${env.name}`,
    );
  }
  const family = revisionOf(current).split(':')[0] as string;
  if (appTag(await aws_(() => aws.ecs.taskDefinitionImages(current))) === tag) {
    io.out(`${service.name} already runs ${tag} (${revisionOf(current)}); nothing to roll back.\n`);
    return EXIT.ok;
  }
  const revisions = await aws_(() => aws.ecs.taskDefinitionRevisions(family, REVISIONS_SEARCHED));
  const seen: string[] = [];
  for (const revision of revisions) {
    const ran = appTag(await aws_(() => aws.ecs.taskDefinitionImages(revision)));
    if (ran && !seen.includes(ran)) seen.push(ran);
    if (ran !== tag) continue;
    io.progress.info(
      `Rolling ${service.name} back to ${tag}: ${revisionOf(current)} → ${revisionOf(revision)}`,
    );
    await aws_(() => aws.ecs.updateService(cluster, ecsName, revision));
    io.out(
      `${service.name} in ${env.name} is rolling back to ${tag} (${revisionOf(revision)}) with its deployment strategy; ` +
        `the other services keep the release, and the next deploy moves ${service.name} forward again.\n` +
        `Progress: slipway status ${env.name} --service ${service.name}\n`,
    );
    return EXIT.ok;
  }
  throw new CliError(
    'SW245',
    `none of the ${revisions.length} newest revisions of ${family} ran ${tag} (they ran ${seen.join(', ') || 'no tagged image'})`,
    seen[1]
      ? `slipway rollback ${env.name} --service ${service.name} --to ${seen[1]}`
      : `slipway deploy ${env.name} --image ${tag}`,
  );
}
