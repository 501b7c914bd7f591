/*
 * The pipeline context computed from slipway.config.ts:
 *   - shipped config: dev from branch develop; staging then prod from main; test on demand only
 *   - role ARNs from the one naming function; registry-role only where the registry is elsewhere
 *   - moving tags: latest from main, develop-latest from develop, none from other branches
 *   - promotion: an environment follows the one it promotes from; a promotion across branches fails
 *   - GitHub Environment variables checked against the config, naming the variable and the fix
 *   - images: the shipped config builds one (app/Dockerfile into `slipway`); two services that build
 *     give two, each with its context, Dockerfile and repository; `from` and `uri` build nothing;
 *     the readiness path is the default web service's
 */

import { configVariant, shippedConfig } from '@slipway/testing/synth';
import { describe, expect, it } from 'vitest';
import {
  deployOrder,
  destroyRefusals,
  environmentMismatches,
  movingTag,
  pipelineContext,
} from './pipeline.ts';

describe('pipeline context of the shipped config', () => {
  it('deploys dev from the develop branch and staging then prod from main; test only on demand', async () => {
    const context = pipelineContext(await shippedConfig());
    expect(deployOrder(context, 'develop').map((e) => e.name)).toEqual(['dev']);
    expect(deployOrder(context, 'dev')).toEqual([]);
    expect(deployOrder(context, 'main').map((e) => e.name)).toEqual(['staging', 'prod']);
    expect(deployOrder(context, 'feature/x')).toEqual([]);
    expect(context.environments.find((e) => e.name === 'test')?.branch).toBeNull();
  });

  it('requires approval for prod only, and prod takes the image staging ran', async () => {
    const context = pipelineContext(await shippedConfig());
    expect(context.environments.filter((e) => e.approval).map((e) => e.name)).toEqual(['prod']);
    expect(context.environments.find((e) => e.name === 'prod')?.promoteFrom).toBe('staging');
  });

  it('names the CI roles per account and the registry in dev account', async () => {
    const context = pipelineContext(await shippedConfig());
    const prod = context.environments.find((e) => e.name === 'prod');
    expect(prod?.deployRoleArn).toBe('arn:aws:iam::333333333333:role/slipway-ci-deploy');
    expect(prod?.planRoleArn).toBe('arn:aws:iam::333333333333:role/slipway-ci-plan');
    expect(prod?.registryRoleArn).toBe('arn:aws:iam::111111111111:role/slipway-ci-push');
    expect(context.environments.find((e) => e.name === 'dev')?.registryRoleArn).toBe('');
    expect(context.registry).toMatchObject({
      uri: '111111111111.dkr.ecr.us-east-1.amazonaws.com/slipway',
      pushRoleArn: 'arn:aws:iam::111111111111:role/slipway-ci-push',
    });
    expect(prod?.urlParameter).toBe('/slipway/prod/service/url');
  });

  it('tags main builds latest and develop builds develop-latest, other branches nothing', async () => {
    const context = pipelineContext(await shippedConfig());
    expect(movingTag(context, 'main')).toBe('latest');
    expect(movingTag(context, 'develop')).toBe('develop-latest');
    expect(movingTag(context, 'feature/x')).toBe('');
  });
});

describe('promotion order', () => {
  it('puts an environment after the one it promotes from, whatever the config order', async () => {
    const config = await configVariant((c) => {
      const { prod, ...rest } = c.environments;
      c.environments = { ...(prod ? { prod } : {}), ...rest };
    });
    expect(deployOrder(pipelineContext(config), 'main').map((e) => e.name)).toEqual(['staging', 'prod']);
  });

  it('refuses a promotion from an environment on another branch', async () => {
    const config = await configVariant((c) => {
      if (c.environments.staging) c.environments.staging.branch = 'release';
    });
    expect(() => deployOrder(pipelineContext(config), 'main')).toThrow(
      /environments.prod.promoteFrom: "staging" is not deployed from branch "main"/,
    );
  });
});

describe('GitHub Environment variables', () => {
  const good = {
    AWS_ACCOUNT_ID: '333333333333',
    AWS_REGION: 'af-south-1',
    AWS_ROLE_ARN: 'arn:aws:iam::333333333333:role/slipway-ci-deploy',
  };

  it('accepts variables that match the config', async () => {
    expect(environmentMismatches(await shippedConfig(), 'prod', good)).toEqual([]);
  });

  it('names a missing variable and the value to set', async () => {
    const problems = environmentMismatches(await shippedConfig(), 'prod', {
      ...good,
      AWS_REGION: undefined,
    });
    expect(problems).toEqual([
      'variable AWS_REGION is not set on GitHub Environment "prod"; set it to af-south-1',
    ]);
  });

  it("rejects staging's role on the prod environment", async () => {
    const problems = environmentMismatches(await shippedConfig(), 'prod', {
      ...good,
      AWS_ACCOUNT_ID: '222222222222',
      AWS_ROLE_ARN: 'arn:aws:iam::222222222222:role/slipway-ci-deploy',
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/AWS_ACCOUNT_ID is "222222222222", but slipway.config.ts says 333333333333/);
  });

  it('checks the preview environment against the environment previews share (dev)', async () => {
    expect(
      environmentMismatches(await shippedConfig(), 'preview', {
        AWS_ACCOUNT_ID: '111111111111',
        AWS_REGION: 'us-east-1',
        AWS_ROLE_ARN: 'arn:aws:iam::111111111111:role/slipway-ci-deploy',
      }),
    ).toEqual([]);
  });

  it('rejects preview jobs when the config has no previews', async () => {
    const config = await shippedConfig();
    expect(environmentMismatches({ ...config, previews: undefined }, 'pr-7', good)[0]).toMatch(
      /"pr-7" is not an environment/,
    );
  });

  it('rejects an unknown environment', async () => {
    expect(environmentMismatches(await shippedConfig(), 'qa', good)[0]).toMatch(
      /"qa" is not an environment of slipway.config.ts \(dev, test, staging, prod\)/,
    );
  });
});

describe('destroy guard', () => {
  it('refuses when the confirmation is not the environment name', async () => {
    const context = pipelineContext(await shippedConfig());
    expect(destroyRefusals(context, { environment: 'dev', confirm: 'yes', allowProtected: false })).toEqual([
      'confirmation "yes" does not equal the environment name "dev"',
    ]);
  });

  it('refuses a protected environment without allow-protected, even when confirmed', async () => {
    const context = pipelineContext(await shippedConfig());
    expect(
      destroyRefusals(context, { environment: 'prod', confirm: 'prod', allowProtected: false })[0],
    ).toMatch(/"prod" is protected: tick allow-protected/);
    expect(destroyRefusals(context, { environment: 'prod', confirm: 'prod', allowProtected: true })).toEqual(
      [],
    );
  });

  it('allows a confirmed unprotected environment', async () => {
    const context = pipelineContext(await shippedConfig());
    expect(
      destroyRefusals(context, { environment: 'staging', confirm: 'staging', allowProtected: false }),
    ).toEqual([]);
  });

  it('knows what the app pipeline builds', async () => {
    const context = pipelineContext(await shippedConfig());
    expect(context.images).toEqual([
      {
        service: 'web',
        repository: 'slipway',
        uri: '111111111111.dkr.ecr.us-east-1.amazonaws.com/slipway',
        context: '.',
        dockerfile: 'app/Dockerfile',
        cacheScope: 'app',
      },
    ]);
    expect(context.readyPath).toBe('/ready');
  });
});

describe('images the app pipeline builds', () => {
  it('builds every image a service builds, each into its own repository', async () => {
    const context = pipelineContext(
      await configVariant((c) => {
        const { name, database } = c.app;
        c.app = { name, database };
        c.services = {
          web: { type: 'web', image: { build: {} }, readyPath: '/ready/web', database: true },
          admin: {
            type: 'web',
            image: { build: { context: 'admin', dockerfile: 'admin/Dockerfile' } },
            route: { paths: ['/admin/*'] },
            readyPath: '/ready/admin',
          },
          nightly: {
            type: 'job',
            image: { from: 'admin' },
            command: ['node', 'prune.js'],
            schedule: 'rate(1 day)',
          },
          api: { type: 'backend', image: { uri: 'public.ecr.aws/example/api:1.4.2' } },
        };
      }),
    );
    expect(
      context.images.map((i) => [i.service, i.repository, i.context, i.dockerfile, i.cacheScope]),
    ).toEqual([
      ['web', 'slipway', '.', 'app/Dockerfile', 'app'],
      ['admin', 'slipway-admin', 'admin', 'admin/Dockerfile', 'image-admin'],
    ]);
    expect(context.images[1]?.uri).toBe('111111111111.dkr.ecr.us-east-1.amazonaws.com/slipway-admin');
    expect(context.readyPath).toBe('/ready/web');
  });

  it('builds nothing when every service runs a prebuilt image', async () => {
    const context = pipelineContext(
      await configVariant((c) => {
        // The other services run web's image (`image.from`): they follow it.
        const web = c.services?.web;
        if (web) web.image = { uri: 'public.ecr.aws/example/web:1.0.0' };
      }),
    );
    expect(context.images).toEqual([]);
  });
});
