import { slipwayWrittenTags, tagMatches } from '../contract/registry-trigger.ts';
import type { ConfigError } from '../errors.ts';
import type { SlipwayConfig } from '../types.ts';
import { err } from './util.ts';

/*
 * Rules on `environments.<env>.deployOnImagePush`: a GitHub App to start the workflow with, no
 * promotion skipped, and no pattern that matches the tags Slipway's own deploys and builds write
 * (a deploy moves `deployed-<env>`: a matching pattern would start deploy after deploy).
 */
export function triggerErrors(config: SlipwayConfig): ConfigError[] {
  const names = Object.keys(config.environments);
  const branches = [
    ...new Set(Object.values(config.environments).flatMap((e) => (e.branch ? [e.branch] : []))),
  ];
  const written = slipwayWrittenTags(names, branches);
  const errors: ConfigError[] = [];
  for (const [name, env] of Object.entries(config.environments)) {
    const trigger = env.deployOnImagePush;
    if (trigger === undefined) continue;
    const at = `environments.${name}.deployOnImagePush`;
    if (config.github?.appId === undefined)
      errors.push(
        err(
          at,
          'SW170',
          `${name} deploys on image push, but github.appId is not set: the registry trigger starts the workflow as a GitHub App`,
        ),
      );
    if (env.promoteFrom !== undefined)
      errors.push(
        err(
          at,
          'SW171',
          `${name} takes only the image ${env.promoteFrom} verified (promoteFrom); a push straight to the registry would skip ${env.promoteFrom}`,
        ),
      );
    const matched = written.filter((tag) => tagMatches(trigger.tagPattern, tag));
    if (matched.length > 0)
      errors.push(
        err(
          `${at}.tagPattern`,
          'SW172',
          `"${trigger.tagPattern}" matches ${matched.slice(0, 3).join(', ')}${matched.length > 3 ? ', …' : ''}, which Slipway writes itself on every deploy or build`,
        ),
      );
  }
  return errors;
}
