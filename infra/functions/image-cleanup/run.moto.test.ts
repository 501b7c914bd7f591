/**
 * The cleanup of every repository of an app (two built images: `slipway` for the web service and
 * `slipway-admin` for admin) against moto_server's ECR and ECS. The clock runs 70 days ahead
 * (MAX_AGE_DAYS 60), as in handler.moto.test.ts.
 *
 * Scenarios and expected outcomes:
 * 1. One ECS service per image runs the commit `c0ffee1` from each repository, and prod (in another
 *    account, not read) was released with `deployed-prod` tags in both: in each repository exactly
 *    the image a service runs and the deployed one are kept; the old unreferenced images of both
 *    repositories are deleted; the ECS lookup runs once; one summary line per repository, each
 *    with its own `Repository` metric dimension.
 * 2. A repository of REPOSITORY_NAMES does not exist: the other is still cleaned, the invocation
 *    fails afterwards naming the missing repository, and its summary says why.
 * 3. The ECS lookup fails: nothing is deleted in either repository and the invocation fails.
 * 4. In a replica registry (skipMissingRepositories) a repository nothing was replicated to yet is
 *    skipped with a log line, the other is cleaned, and the run succeeds.
 */
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { createRepository, ecrImageUri, pushImage } from '@slipway/testing/ecr-fixtures';
import { type MotoServer, motoServerAvailability, startMotoServer } from '@slipway/testing/moto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../shared/log.ts';
import { createEcsTaskDefinitionReader } from '../shared/target-container.ts';
import { IMAGE_CLEANUP_DEFAULTS, type ImageCleanupSettings } from './config.ts';
import { createEcrApi } from './ecr.ts';
import { createEcsDeployedImagesProvider, type DeployedImagesProvider } from './references.ts';
import { createRunHandler, ImageCleanupRunError } from './run.ts';

const moto = motoServerAvailability();
const WEB = 'slipway';
const ADMIN = 'slipway-admin';
const CLUSTER = 'slipway-dev';

describe.skipIf(!moto.available)(
  'image cleanup of every repository against moto',
  { timeout: 60_000 },
  () => {
    let server: MotoServer;
    let ecr: ECRClient;
    let ecs: ECSClient;

    beforeAll(async () => {
      server = await startMotoServer();
      ecr = new ECRClient(server.clientConfig);
      ecs = new ECSClient(server.clientConfig);
    });
    afterAll(async () => {
      ecr?.destroy();
      ecs?.destroy();
      await server?.stop();
    });
    beforeEach(async () => {
      await server.reset();
      await createRepository(ecr, WEB);
      await createRepository(ecr, ADMIN);
      await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    });

    async function createService(name: string, image: string) {
      const td = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: name,
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'awsvpc',
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name, image, essential: true }],
        }),
      );
      await ecs.send(
        new CreateServiceCommand({
          cluster: CLUSTER,
          serviceName: name,
          taskDefinition: td.taskDefinition?.taskDefinitionArn,
          desiredCount: 0,
          launchType: 'FARGATE',
        }),
      );
    }

    const settings = (repositoryNames: string[], skipMissingRepositories = false): ImageCleanupSettings => ({
      repositoryNames,
      maxAgeDays: 60,
      protectedTagPatterns: [...IMAGE_CLEANUP_DEFAULTS.protectedTagPatterns],
      dryRun: false,
      ecsServices: [],
      ecsClusters: [{ environment: 'dev', cluster: CLUSTER }],
      metricNamespace: 'Test',
      skipMissingRepositories,
    });

    function setup(repositoryNames: string[], provider?: DeployedImagesProvider, skipMissing = false) {
      let lookups = 0;
      const real = createEcsDeployedImagesProvider(
        ecs,
        createEcsTaskDefinitionReader(ecs),
        [],
        settings([]).ecsClusters,
      );
      const counted: DeployedImagesProvider = {
        listReferences: () => {
          lookups += 1;
          return (provider ?? real).listReferences();
        },
      };
      const log = memoryLogger();
      const handler = createRunHandler({
        settings: settings(repositoryNames, skipMissing),
        ecrFor: (name) => createEcrApi(ecr, name),
        deployedImages: counted,
        now: () => new Date(Date.now() + 70 * 86_400_000),
        log,
      });
      return { handler, log, lookups: () => lookups };
    }

    const digestsOf = async (repositoryName: string) =>
      new Set(
        (await ecr.send(new DescribeImagesCommand({ repositoryName }))).imageDetails?.map(
          (i) => i.imageDigest,
        ),
      );

    it('keeps in each repository what any service runs or any environment deployed, and deletes the rest', async () => {
      const webRunning = await pushImage(ecr, WEB, 'web-run', ['c0ffee1']);
      const webDeployed = await pushImage(ecr, WEB, 'web-prod', ['b0a7b0a', 'deployed-prod']);
      const webOld = await pushImage(ecr, WEB, 'web-old', ['a1a1a1a']);
      const adminRunning = await pushImage(ecr, ADMIN, 'admin-run', ['c0ffee1']);
      const adminDeployed = await pushImage(ecr, ADMIN, 'admin-prod', ['b0a7b0a', 'deployed-prod']);
      const adminOld = await pushImage(ecr, ADMIN, 'admin-old', ['a1a1a1a']);
      await createService('web', ecrImageUri(WEB, ':c0ffee1'));
      await createService('admin', ecrImageUri(ADMIN, ':c0ffee1'));

      const { handler, log, lookups } = setup([WEB, ADMIN]);
      const run = await handler({});

      expect(run.outcome).toBe('succeeded');
      expect(run.repositories.map((r) => [r.repository, r.deletedDigests])).toEqual([
        [WEB, [webOld]],
        [ADMIN, [adminOld]],
      ]);
      expect(await digestsOf(WEB)).toEqual(new Set([webRunning, webDeployed]));
      expect(await digestsOf(ADMIN)).toEqual(new Set([adminRunning, adminDeployed]));
      // Each repository counts the other's reference as another repository's, not as unresolved.
      expect(run.repositories.map((r) => r.references)).toMatchObject([
        { resolved: 1, otherRepositories: 1, unresolved: [], services: 2 },
        { resolved: 1, otherRepositories: 1, unresolved: [], services: 2 },
      ]);
      expect(lookups()).toBe(1);
      expect(log.lines.map((e) => [e.event, e.Repository])).toEqual([
        ['image-cleanup.summary', WEB],
        ['image-cleanup.summary', ADMIN],
      ]);
    });

    it('cleans the other repositories when one is missing, then fails naming it', async () => {
      const webOld = await pushImage(ecr, WEB, 'web-old', ['a1a1a1a']);
      const { handler } = setup(['slipway-gone', WEB]);

      const error = await handler({}).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ImageCleanupRunError);
      expect((error as Error).message).toMatch(/image cleanup of slipway-gone failed: .*RepositoryNotFound/);
      const run = (error as ImageCleanupRunError).run;
      expect(run.repositories.map((r) => [r.repository, r.outcome, r.deletedDigests])).toEqual([
        ['slipway-gone', 'failed', []],
        [WEB, 'succeeded', [webOld]],
      ]);
    });

    it('skips a replica repository nothing was replicated to yet, and succeeds', async () => {
      const webOld = await pushImage(ecr, WEB, 'web-old', ['a1a1a1a']);
      const { handler, log } = setup(['slipway-gone', WEB], undefined, true);

      const run = await handler({});

      expect(run.outcome).toBe('succeeded');
      expect(run.skipped).toEqual(['slipway-gone']);
      expect(run.repositories.map((r) => [r.repository, r.outcome, r.deletedDigests])).toEqual([
        [WEB, 'succeeded', [webOld]],
      ]);
      expect(log.lines.map((e) => [e.event, e.repository ?? e.Repository])).toEqual([
        ['image-cleanup.skipped', 'slipway-gone'],
        ['image-cleanup.summary', WEB],
      ]);
    });

    it('deletes nothing in any repository when the ECS lookup fails', async () => {
      await pushImage(ecr, WEB, 'web-old', ['a1a1a1a']);
      await pushImage(ecr, ADMIN, 'admin-old', ['a1a1a1a']);
      const failing: DeployedImagesProvider = {
        listReferences: async () => {
          throw new Error('AccessDeniedException: ecs:ListServices');
        },
      };
      const { handler } = setup([WEB, ADMIN], failing);

      const error = (await handler({}).catch((e: unknown) => e)) as ImageCleanupRunError;

      expect(error).toBeInstanceOf(ImageCleanupRunError);
      expect(error.run.repositories.map((r) => [r.outcome, r.deleted, r.error])).toEqual([
        ['failed', 0, 'AccessDeniedException: ecs:ListServices'],
        ['failed', 0, 'AccessDeniedException: ecs:ListServices'],
      ]);
      expect((await digestsOf(WEB)).size).toBe(1);
      expect((await digestsOf(ADMIN)).size).toBe(1);
    });
  },
);
