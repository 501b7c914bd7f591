import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { declaredServices, defaultConfigPath, type SlipwayConfig } from '@slipway/config';
import {
  MIGRATION_PARAMETERS,
  migrationsDigest,
  parameterName,
  releaseDigestValue,
} from '@slipway/config/contract';

/** Why no digest is recorded, or the parameter and value to write. */
export type MigrationsRecord =
  | { readonly skip: string }
  | { readonly parameter: string; readonly value: string; readonly folder: string };

/** Where the checkout is: the commit the workflow runs for, else the working tree's HEAD. */
export function checkedOutCommit(cwd: string): string | undefined {
  if (process.env.GITHUB_SHA) return process.env.GITHUB_SHA.toLowerCase();
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .toLowerCase();
  } catch {
    return undefined;
  }
}

/** The tag names the commit when one is a prefix of the other (a short or a full sha). */
const sameCommit = (tag: string, commit: string) => {
  const t = tag.toLowerCase();
  return /^[0-9a-f]{7,40}$/.test(t) && (commit.startsWith(t) || t.startsWith(commit));
};

/**
 * What a deploy of image `tag` records for the migrate hook: the content hash of the schema
 * owner's `migrationsPath`, bound to the tag. Only when the checkout is the image's commit, so the
 * hash describes the migrations inside the image; anything else records nothing and the hook
 * migrates as it always did.
 */
export function migrationsRecord(
  config: SlipwayConfig,
  env: { readonly parameterPath: string },
  tag: string,
  options: { configDir?: string; commit?: string } = {},
): MigrationsRecord {
  const owner = Object.entries(declaredServices(config)).find(([, s]) => s.migrate !== undefined);
  const path = owner?.[1].migrationsPath;
  if (!owner || path === undefined) return { skip: 'no service declares migrationsPath' };
  const configDir = options.configDir ?? dirname(defaultConfigPath());
  const folder = resolve(configDir, path);
  if (!existsSync(folder)) return { skip: `services.${owner[0]}.migrationsPath: ${folder} does not exist` };
  const commit = options.commit ?? checkedOutCommit(configDir);
  if (!commit || !sameCommit(tag, commit))
    return { skip: `the checkout (${commit?.slice(0, 12) ?? 'unknown'}) is not the image's commit (${tag})` };
  return {
    parameter: parameterName(env, MIGRATION_PARAMETERS.releaseDigest),
    value: releaseDigestValue(tag, migrationsDigest(folder)),
    folder,
  };
}
