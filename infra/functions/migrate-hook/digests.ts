/**
 * Whether the migrate hook may skip its task: the release's migrations digest (bound to the
 * commit of the image being deployed) against the digest of the last migration that succeeded
 * here. Unknown anything → migrate. The decision is a pure function; the SSM calls sit behind
 * {@link MigrationDigests} (tested against moto_server in digests.moto.test.ts).
 */
import {
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { parseReleaseDigest, sameCommit } from '@slipway/config/contract';

export interface MigrationDigests {
  /** `release/migrations-digest`: `<commit>:<sha256>`, or undefined when the parameter is missing. */
  release(): Promise<string | undefined>;
  /** `migrations/applied-digest`, or undefined when no migration was recorded yet. */
  applied(): Promise<string | undefined>;
  /** Records the digest of a migration that just succeeded. */
  recordApplied(digest: string): Promise<void>;
}

export interface MigrationDecision {
  /** true: nothing pending, answer SUCCEEDED without a task. */
  readonly skip: boolean;
  /** Why, for the log line. */
  readonly reason: string;
  /** The release's digest when it describes the target image: recorded once the migration succeeds. */
  readonly digest?: string;
}

/**
 * The commit the target container runs: its image tag when it looks like a commit sha (the
 * pipelines tag images with it), else its `GIT_SHA` variable.
 */
export function targetCommit(container: {
  image: string;
  environment: Record<string, string>;
}): string | undefined {
  const tag = /:([0-9a-fA-F]{7,40})$/.exec(container.image.split('@')[0] ?? '')?.[1];
  return tag ?? container.environment.GIT_SHA;
}

/**
 * Skip only when all of: the release digest parses, its commit is the target's commit, and the
 * applied digest equals it. Every other case migrates, and says why.
 */
export function decideMigration(input: {
  release: string | undefined;
  commit: string | undefined;
  applied: string | undefined;
}): MigrationDecision {
  const release = parseReleaseDigest(input.release);
  if (!release) return { skip: false, reason: 'no migrations digest for this release: migrating' };
  if (!input.commit || !sameCommit(release.commit, input.commit)) {
    return {
      skip: false,
      reason: `the migrations digest is of commit ${release.commit}, the target runs ${input.commit ?? 'an unknown commit'}: migrating`,
    };
  }
  const digest = release.digest;
  if (input.applied === undefined)
    return { skip: false, reason: 'no applied migration recorded: migrating', digest };
  if (input.applied !== digest) {
    return { skip: false, reason: 'the release brings migrations not applied here: migrating', digest };
  }
  return {
    skip: true,
    reason: `no pending migration: migrations digest ${digest.slice(0, 12)} already applied`,
    digest,
  };
}

/** The two parameters through SSM; a missing parameter reads as undefined. */
export function createMigrationDigests(
  ssm: SSMClient,
  names: { release: string; applied: string },
): MigrationDigests {
  const read = async (name: string) => {
    try {
      const out = await ssm.send(new GetParameterCommand({ Name: name }));
      return out.Parameter?.Value;
    } catch (error) {
      if (error instanceof ParameterNotFound || (error as { name?: string }).name === 'ParameterNotFound')
        return undefined;
      throw error;
    }
  };
  return {
    release: () => read(names.release),
    applied: () => read(names.applied),
    async recordApplied(digest) {
      await ssm.send(
        new PutParameterCommand({ Name: names.applied, Value: digest, Type: 'String', Overwrite: true }),
      );
    },
  };
}
