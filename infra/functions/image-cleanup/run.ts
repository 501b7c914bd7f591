/**
 * One invocation over every repository of the app: each repository is cleaned by the handler of
 * one repository (./handler.ts), one after another, against the same deployed-image references.
 *
 * The ECS lookup runs once per invocation and is shared: a reference names its repository, so an
 * image any service or job of any environment runs is kept in the repository it lives in, and
 * ignored (counted as `otherRepositories`) in the others. Each repository writes its own summary
 * line with its own metrics (dimension `Repository`). A repository that fails does not stop the
 * others; the invocation fails afterwards, naming every repository that failed, so the alarm on
 * the function's errors fires.
 *
 * In a replica registry (SKIP_MISSING_REPOSITORIES) a repository that does not exist yet is
 * skipped, not a failure: ECR creates a replica at the first image replicated after replication
 * was turned on, so until then there is nothing to clean.
 */
import type { ImageCleanupSettings } from './config.ts';
import type { EcrApi } from './ecr.ts';
import {
  createHandler,
  type ImageCleanupDeps,
  ImageCleanupError,
  type ImageCleanupSummary,
} from './handler.ts';
import type { DeployedImages, DeployedImagesProvider } from './references.ts';

export interface ImageCleanupRunDeps extends Omit<ImageCleanupDeps, 'config' | 'ecr'> {
  settings: ImageCleanupSettings;
  /** The ECR API of one repository. */
  ecrFor: (repositoryName: string) => EcrApi;
}

export interface ImageCleanupRun {
  outcome: 'succeeded' | 'failed';
  /** One summary per repository cleaned, in REPOSITORY_NAMES order. */
  repositories: ImageCleanupSummary[];
  /** Repositories skipped because they do not exist (only with `skipMissingRepositories`). */
  skipped: string[];
}

export class ImageCleanupRunError extends Error {
  override name = 'ImageCleanupRunError';
  readonly run: ImageCleanupRun;

  constructor(message: string, run: ImageCleanupRun) {
    super(message);
    this.run = run;
  }
}

/** True when DescribeImages says the repository does not exist; any other answer is the handler's to judge. */
async function repositoryMissing(ecr: EcrApi): Promise<boolean> {
  try {
    await ecr.describeImagesPage(undefined);
    return false;
  } catch (error) {
    return (error as { name?: string })?.name === 'RepositoryNotFoundException';
  }
}

/** The provider's answer, asked for once; a failed lookup fails every repository alike. */
function once(provider: DeployedImagesProvider): DeployedImagesProvider {
  let answer: Promise<DeployedImages> | undefined;
  return {
    listReferences() {
      answer ??= provider.listReferences();
      return answer;
    },
  };
}

export function createRunHandler(deps: ImageCleanupRunDeps): (event?: unknown) => Promise<ImageCleanupRun> {
  const { settings, ecrFor, ...rest } = deps;
  const { repositoryNames, skipMissingRepositories: _skip, ...common } = settings;
  return async function handler(event?: unknown): Promise<ImageCleanupRun> {
    const deployedImages = once(rest.deployedImages);
    const repositories: ImageCleanupSummary[] = [];
    const failed: string[] = [];
    const skipped: string[] = [];
    for (const repositoryName of repositoryNames) {
      const ecr = ecrFor(repositoryName);
      if (settings.skipMissingRepositories && (await repositoryMissing(ecr))) {
        skipped.push(repositoryName);
        rest.log({
          event: 'image-cleanup.skipped',
          repository: repositoryName,
          reason: 'the repository does not exist here yet: nothing was replicated to it',
        });
        continue;
      }
      const clean = createHandler({ ...rest, deployedImages, config: { ...common, repositoryName }, ecr });
      try {
        repositories.push(await clean(event));
      } catch (error) {
        if (!(error instanceof ImageCleanupError)) throw error;
        repositories.push(error.summary);
        failed.push(error.message);
      }
    }
    const run: ImageCleanupRun = {
      outcome: failed.length > 0 ? 'failed' : 'succeeded',
      repositories,
      skipped,
    };
    if (failed.length > 0) throw new ImageCleanupRunError(failed.join('; '), run);
    return run;
  };
}
