/*
 * CI access, over the shipped config (dev+test in 111111111111, staging in
 * 222222222222, prod in 333333333333, registry in dev's account) and variants:
 *   - one stack per account, in the account's home region, named <app>-ci-access; none without `github`
 *   - the GitHub OIDC provider (issuer, audience sts.amazonaws.com), or an imported one
 *   - plan role: web identity from the provider, StringEquals aud + sub = pull requests and the
 *     deploy branches (drift runs on the default branch); read-only actions only
 *   - deploy role: sub pinned to repo:<owner>/<repo>:environment:<env> for exactly the account's
 *     environments; assumes the four CDK bootstrap roles per region; writes only the release parameter
 *   - push role: only in the registry account; pushes to the app's one repository (several: see
 *     ci-access-stack.images.test.ts); the other accounts'
 *     deploy roles (and no one else) may assume it, and they hold sts:AssumeRole on it
 *   - no wildcard principal, no wildcard or StringLike subject anywhere
 *   - previews: the `preview` GitHub Environment may deploy, scoped to <app>-pr-* resources
 *   - office hours: where an environment has `officeHours` (dev), the deploy role may wake it (start its
 *     NAT instance and database by stack-name tag, scale its and its previews' services); elsewhere not
 *   - invalid props fail with the prop named
 */

import { configVariant, type Synthesized, shippedConfig, synth } from '@slipway/testing/synth';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CiAccess, type CiAccessProps } from '../constructs/ci-access/ci-access.ts';
import { addCiAccessStacks } from './ci-access-stack.ts';

const REPO = 'repo:example-org/slipway';
const OIDC = 'token.actions.githubusercontent.com';

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};
type RoleResource = {
  Properties: {
    RoleName: string;
    MaxSessionDuration?: number;
    AssumeRolePolicyDocument: { Statement: Statement[] };
  };
};

let synthesized: Synthesized;
// Synthesizing every environment takes seconds on a loaded machine: generous hook and test limits.
beforeAll(async () => {
  synthesized = synth(await shippedConfig());
}, 120_000);

function ciTemplate(account: string, from: Synthesized = synthesized): Template {
  const stack = from.accountStacks.find((s) => s.account === account && s.stackName === 'slipway-ci-access');
  if (!stack) throw new Error(`no CI access stack for ${account}`);
  return Template.fromStack(stack);
}

function role(template: Template, name: string): RoleResource {
  const found = Object.values(template.findResources('AWS::IAM::Role')).find(
    (r) => (r as RoleResource).Properties.RoleName === name,
  );
  if (!found) throw new Error(`no role ${name}`);
  return found as RoleResource;
}

/** Every statement of the inline policies attached to a role. */
function policyStatements(template: Template, roleName: string): Statement[] {
  const logicalId = Object.entries(template.findResources('AWS::IAM::Role')).find(
    ([, r]) => (r as RoleResource).Properties.RoleName === roleName,
  )?.[0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .map(
      (p) =>
        (p as { Properties: { Roles: unknown[]; PolicyDocument: { Statement: Statement[] } } }).Properties,
    )
    .filter((p) => p.Roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: logicalId })))
    .flatMap((p) => p.PolicyDocument.Statement);
}

const actions = (statements: Statement[]) =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

const subjects = (r: RoleResource) =>
  r.Properties.AssumeRolePolicyDocument.Statement.filter(
    (s) => s.Action === 'sts:AssumeRoleWithWebIdentity',
  ).flatMap((s) => [s.Condition?.StringEquals?.[`${OIDC}:sub`]].flat());

describe('CI access stacks of the shipped config', () => {
  it('creates one stack per account, in the account home region', () => {
    const stacks = synthesized.accountStacks
      .filter((s) => s.stackName === 'slipway-ci-access')
      .map((s) => `${s.account}/${s.region}`)
      .sort();
    expect(stacks).toEqual(['111111111111/us-east-1', '222222222222/af-south-1', '333333333333/af-south-1']);
  });

  it.each(['111111111111', '222222222222', '333333333333'])(
    'creates the GitHub OIDC provider for sts.amazonaws.com in %s',
    (account) => {
      ciTemplate(account).resourceCountIs('AWS::IAM::OIDCProvider', 1);
      ciTemplate(account).hasResourceProperties('AWS::IAM::OIDCProvider', {
        Url: `https://${OIDC}`,
        ClientIdList: ['sts.amazonaws.com'],
      });
    },
  );

  it('lets pull requests and the deploy branches assume the plan role, nothing else', () => {
    const plan = role(ciTemplate('333333333333'), 'slipway-ci-plan');
    const [trust] = plan.Properties.AssumeRolePolicyDocument.Statement;
    expect(plan.Properties.AssumeRolePolicyDocument.Statement).toHaveLength(1);
    expect(trust).toEqual({
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: { Ref: expect.any(String) } },
      Condition: {
        StringEquals: {
          [`${OIDC}:aud`]: 'sts.amazonaws.com',
          [`${OIDC}:sub`]: [
            `${REPO}:pull_request`,
            `${REPO}:ref:refs/heads/develop`,
            `${REPO}:ref:refs/heads/main`,
          ],
        },
      },
    });
  });

  it('gives the plan role only read actions (no create, update, delete, put or pass)', () => {
    const all = actions(policyStatements(ciTemplate('333333333333'), 'slipway-ci-plan'));
    const write = all
      .filter((a) => a !== 'sts:TagSession')
      .filter((a) => /:(Create|Update|Delete|Put|Pass|Execute|Set|Tag|Untag|Start|Stop|Run)/.test(a));
    expect(write).toEqual([]);
  });

  it('lets the plan role assume only the CDK lookup role of its account', () => {
    const statements = policyStatements(ciTemplate('222222222222'), 'slipway-ci-plan');
    const assume = statements.filter((s) => actions([s]).includes('sts:AssumeRole'));
    expect(JSON.stringify(assume.map((s) => s.Resource))).toContain(
      'cdk-hnb659fds-lookup-role-222222222222-af-south-1',
    );
    expect(JSON.stringify(assume.map((s) => s.Resource))).not.toMatch(/deploy-role|publishing-role/);
  });

  it.each([
    // dev's account also hosts the pull-request previews (previews.from: dev): the `preview` GitHub Environment.
    ['111111111111', ['dev', 'test', 'preview']],
    ['222222222222', ['staging']],
    ['333333333333', ['prod']],
  ])('pins the deploy role of %s to the GitHub Environments of its environments', (account, envs) => {
    const deploy = role(ciTemplate(account), 'slipway-ci-deploy');
    expect(deploy.Properties.AssumeRolePolicyDocument.Statement).toHaveLength(1);
    expect(deploy.Properties.AssumeRolePolicyDocument.Statement[0]?.Condition).toEqual({
      StringEquals: {
        [`${OIDC}:aud`]: 'sts.amazonaws.com',
        [`${OIDC}:sub`]:
          envs.length === 1 ? `${REPO}:environment:${envs[0]}` : envs.map((e) => `${REPO}:environment:${e}`),
      },
    });
  });

  it("lets the deploy role assume the four CDK bootstrap roles of its region and of the edge's us-east-1", () => {
    const statements = policyStatements(ciTemplate('333333333333'), 'slipway-ci-deploy');
    const assumed = JSON.stringify(
      statements.filter((s) => s.Action === 'sts:AssumeRole' || actions([s]).includes('sts:AssumeRole')),
    );
    // prod (af-south-1) has an edge stack in us-east-1 (its CloudFront web ACL).
    for (const region of ['af-south-1', 'us-east-1']) {
      for (const kind of ['deploy', 'file-publishing', 'image-publishing', 'lookup']) {
        expect(assumed).toContain(`:role/cdk-hnb659fds-${kind}-role-333333333333-${region}`);
      }
    }
  });

  it('holds no broad rights on the deploy role: no CloudFormation or IAM writes, no "*" action', () => {
    const all = actions(policyStatements(ciTemplate('333333333333'), 'slipway-ci-deploy'));
    expect(all).not.toContain('*');
    // The one CloudFormation write: switching termination protection off before a guarded destroy.
    expect(
      all.filter((a) => /^(iam|cloudformation):(Create|Update|Delete|Put|Pass|Execute)/.test(a)),
    ).toEqual(['cloudformation:UpdateTerminationProtection']);
    const writes = all.filter((a) => /:(Create|Update|Delete|Put|Run|Start|Stop|Modify)/.test(a)).sort();
    expect(writes).toEqual([
      'cloudformation:UpdateTerminationProtection',
      'rds:ModifyDBInstance',
      'ssm:PutParameter',
    ]);
  });

  it("lets prod's deploy role unprotect only prod's stacks and database, for destroy --allow-protected", () => {
    const statements = policyStatements(ciTemplate('333333333333'), 'slipway-ci-deploy');
    const sid = (id: string) => statements.find((x) => x.Sid === id);
    expect(JSON.stringify(sid('UnprotectEnvironmentStacksForDestroy')?.Resource)).toMatch(
      /:stack\/slipway-prod-\*\/\*/,
    );
    const database = sid('UnprotectEnvironmentDatabaseForDestroy');
    expect(database?.Action).toEqual(['rds:DescribeDBInstances', 'rds:ModifyDBInstance']);
    expect(database?.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/aws:cloudformation:stack-name': ['slipway-prod-data'] },
    });
  });

  it("lets dev's deploy role wake dev outside office hours, and nothing else", () => {
    const statements = policyStatements(ciTemplate('111111111111'), 'slipway-ci-deploy');
    const sid = (id: string) => statements.find((x) => x.Sid === id);
    const instances = sid('WakeOfficeHoursInstances');
    expect(instances?.Action).toEqual(['ec2:StartInstances', 'rds:StartDBInstance']);
    // dev has office hours, test (same account) does not: only dev's network and data stacks qualify.
    expect(instances?.Condition).toEqual({
      StringEquals: {
        'aws:ResourceTag/aws:cloudformation:stack-name': ['slipway-dev-network', 'slipway-dev-data'],
      },
    });
    const scale = JSON.stringify(sid('ScaleOfficeHoursServices')?.Resource);
    expect(scale).toContain(':service/slipway-dev/*');
    expect(scale).toContain(':service/slipway-pr-*/*'); // previews inherit dev's office hours
    expect(scale).not.toContain('slipway-test');
    expect(sid('WakeOfficeHoursServices')?.Condition).toEqual({
      StringEquals: {
        'application-autoscaling:service-namespace': 'ecs',
        'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount',
      },
    });
    const writes = actions(statements).filter((a) =>
      /:(Create|Update|Delete|Put|Run|Start|Stop|Register)/.test(a),
    );
    expect(writes.sort()).toEqual([
      'application-autoscaling:RegisterScalableTarget',
      'cloudformation:UpdateTerminationProtection', // destroy --allow-protected (UnprotectEnvironment*)
      'ec2:StartInstances',
      'ecr:PutImage', // the registry account: the deploy role moves the deployed-/rollback- tags
      'ecs:UpdateService',
      'rds:StartDBInstance',
      'ssm:PutParameter',
    ]);
    for (const account of ['222222222222', '333333333333']) {
      const sids = policyStatements(ciTemplate(account), 'slipway-ci-deploy').map((x) => x.Sid ?? '');
      expect(
        sids.filter((x) => x.includes('OfficeHours')),
        account,
      ).toEqual([]);
    }
  });

  it('writes only the release parameters of its environments', () => {
    const put = policyStatements(ciTemplate('111111111111'), 'slipway-ci-deploy').find(
      (s) => s.Action === 'ssm:PutParameter',
    );
    const resources = JSON.stringify(put?.Resource);
    expect(resources).toContain(':parameter/slipway/dev/release/*');
    expect(resources).toContain(':parameter/slipway/test/release/*');
    expect(resources).not.toMatch(/staging|prod/);
  });

  it('scopes the deploy role describes to the environment prefix', () => {
    const statements = policyStatements(ciTemplate('222222222222'), 'slipway-ci-deploy');
    const ecs = statements.find((s) => actions([s]).includes('ecs:DescribeServices'));
    expect(JSON.stringify(ecs?.Resource)).toContain(':service/slipway-staging/*');
    expect(JSON.stringify(ecs?.Resource)).not.toContain('"*"');
    const list = statements.find((s) => s.Action === 'ecs:ListTasks');
    expect(JSON.stringify(list?.Condition)).toContain(':cluster/slipway-staging');
  });

  it('creates the push role only in the registry account', () => {
    expect(() => role(ciTemplate('111111111111'), 'slipway-ci-push')).not.toThrow();
    for (const account of ['222222222222', '333333333333']) {
      expect(() => role(ciTemplate(account), 'slipway-ci-push')).toThrow(/no role/);
    }
  });

  it('lets the deploy branches push, and the other accounts deploy roles (only) assume the push role', () => {
    const push = role(ciTemplate('111111111111'), 'slipway-ci-push');
    expect(subjects(push)).toEqual([
      `${REPO}:ref:refs/heads/develop`,
      `${REPO}:ref:refs/heads/main`,
      `${REPO}:environment:preview`,
    ]);
    const crossAccount = push.Properties.AssumeRolePolicyDocument.Statement.filter(
      (s) => s.Action === 'sts:AssumeRole',
    );
    expect(crossAccount.map((s) => s.Principal)).toEqual([
      { AWS: 'arn:aws:iam::222222222222:root' },
      { AWS: 'arn:aws:iam::333333333333:root' },
    ]);
    expect(JSON.stringify(crossAccount.map((s) => s.Condition?.ArnEquals?.['aws:PrincipalArn']))).toMatch(
      /:iam::222222222222:role\/slipway-ci-deploy.*:iam::333333333333:role\/slipway-ci-deploy/,
    );
  });

  it('pushes to the one repository of the app', () => {
    const statements = policyStatements(ciTemplate('111111111111'), 'slipway-ci-push');
    const push = statements.find((s) => actions([s]).includes('ecr:PutImage'));
    expect(JSON.stringify(push?.Resource)).toContain(':ecr:us-east-1:111111111111:repository/slipway"');
    const login = statements.find((s) => s.Action === 'ecr:GetAuthorizationToken');
    expect(login?.Resource).toBe('*');
  });

  it('lets deploy roles outside the registry account assume the push role to tag images', () => {
    const statements = policyStatements(ciTemplate('333333333333'), 'slipway-ci-deploy');
    const assume = statements.find(
      (s) => s.Sid === 'AssumeRegistryPushRoleToTagImages' || JSON.stringify(s).includes('slipway-ci-push'),
    );
    expect(JSON.stringify(assume?.Resource)).toContain(':iam::111111111111:role/slipway-ci-push');
    const inRegistry = actions(policyStatements(ciTemplate('111111111111'), 'slipway-ci-deploy'));
    expect(inRegistry).toEqual(expect.arrayContaining(['ecr:PutImage', 'ecr:BatchGetImage']));
  });

  it('lets a deploy session last two hours (canary bakes), plan and push one', () => {
    expect(role(ciTemplate('333333333333'), 'slipway-ci-deploy').Properties.MaxSessionDuration).toBe(7200);
    expect(role(ciTemplate('333333333333'), 'slipway-ci-plan').Properties.MaxSessionDuration).toBe(3600);
  });

  it('has no wildcard principal and no wildcard or StringLike subject in any trust policy', () => {
    for (const account of ['111111111111', '222222222222', '333333333333']) {
      for (const r of Object.values(ciTemplate(account).findResources('AWS::IAM::Role')) as RoleResource[]) {
        for (const s of r.Properties.AssumeRolePolicyDocument.Statement) {
          expect(JSON.stringify(s.Principal)).not.toMatch(/"\*"/);
          expect(s.Condition?.StringLike).toBeUndefined();
          expect(JSON.stringify(s.Condition?.StringEquals ?? {})).not.toContain('*');
          if (s.Action === 'sts:AssumeRoleWithWebIdentity') {
            expect(s.Condition?.StringEquals?.[`${OIDC}:aud`]).toBe('sts.amazonaws.com');
            expect(s.Condition?.StringEquals?.[`${OIDC}:sub`]).toBeDefined();
          }
        }
      }
    }
  });

  it('builds the same roles when only one environment is synthesized', async () => {
    const dev = synth(await shippedConfig(), { environments: ['dev'] });
    const stacks = dev.accountStacks.filter((s) => s.stackName === 'slipway-ci-access').map((s) => s.account);
    expect(stacks).toEqual(['111111111111']);
    expect(subjects(role(ciTemplate('111111111111', dev), 'slipway-ci-deploy'))).toEqual([
      `${REPO}:environment:dev`,
      `${REPO}:environment:test`,
      `${REPO}:environment:preview`,
    ]);
  }, 60_000);
});

// Direct `new App()` synths run without CDK's built-in validator (CDK_VALIDATION=false in the
// infra project's vitest config); the policy test runs it.
describe('CI access variants', () => {
  it('creates no CI access stack without a github section', async () => {
    const config = await configVariant((c) => {
      delete c.github;
    });
    expect(
      synth(config, { environments: ['dev'] }).accountStacks.filter(
        (s) => s.stackName === 'slipway-ci-access',
      ),
    ).toEqual([]);
  }, 60_000);

  it('adds a registry-only stack (push role, no deploy role) for a separate registry account', async () => {
    const config = await configVariant((c) => {
      c.registry = { account: '444444444444', region: 'eu-west-1' };
    });
    const s = synth(config, { environments: ['dev'] });
    const registry = ciTemplate('444444444444', s);
    expect(() => role(registry, 'slipway-ci-push')).not.toThrow();
    expect(() => role(registry, 'slipway-ci-deploy')).toThrow(/no role/);
    expect(s.accountStacks.find((a) => a.account === '444444444444')?.region).toBe('eu-west-1');
  }, 60_000);

  it('lets the preview GitHub Environment deploy pr-* resources and push images', () => {
    const app = new App();
    const stack = new Stack(app, 'Ci', { env: { account: '111111111111', region: 'us-east-1' } });
    new CiAccess(stack, 'CiAccess', {
      ...baseProps(),
      previewRegion: 'us-east-1',
      push: { branches: ['main'], preview: true },
    });
    const template = Template.fromStack(stack);
    expect(subjects(role(template, 'slipway-ci-deploy'))).toEqual([
      `${REPO}:environment:dev`,
      `${REPO}:environment:preview`,
    ]);
    expect(subjects(role(template, 'slipway-ci-push'))).toEqual([
      `${REPO}:ref:refs/heads/main`,
      `${REPO}:environment:preview`,
    ]);
    const put = policyStatements(template, 'slipway-ci-deploy').find((s) => s.Action === 'ssm:PutParameter');
    expect(JSON.stringify(put?.Resource)).toContain(':parameter/slipway/pr-*/release/*');
  });

  it('imports an existing OIDC provider instead of creating a second one', () => {
    const app = new App();
    const stack = new Stack(app, 'Ci', { env: { account: '111111111111', region: 'us-east-1' } });
    new CiAccess(stack, 'CiAccess', {
      ...baseProps(),
      existingOidcProviderArn: `arn:aws:iam::111111111111:oidc-provider/${OIDC}`,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    expect(JSON.stringify(role(template, 'slipway-ci-plan').Properties.AssumeRolePolicyDocument)).toContain(
      `oidc-provider/${OIDC}`,
    );
  });

  it.each<[string, Partial<CiAccessProps>, RegExp]>([
    ['appName', { appName: 'My App' }, /appName: got "My App"/],
    ['a wildcard branch', { planBranches: ['release/*'] }, /branch "release\/\*": give an exact branch name/],
    ['deploySessionHours', { deploySessionHours: 13 }, /deploySessionHours: got 13; an integer from 1 to 12/],
    [
      'the environment region',
      { environments: [{ name: 'dev', region: 'moon-1' }] },
      /environments.dev.region: got "moon-1"/,
    ],
    [
      'the registry account',
      { registry: { account: '12', region: 'us-east-1', repositoryNames: ['x'] } },
      /registry.account: got "12"/,
    ],
  ])('rejects an invalid %s naming the prop', (_, override, message) => {
    const stack = new Stack(new App(), 'Ci', { env: { account: '111111111111', region: 'us-east-1' } });
    expect(() => new CiAccess(stack, 'CiAccess', { ...baseProps(), ...override })).toThrow(message);
  });

  it('lets addCiAccessStacks refuse an unknown preview base environment', async () => {
    const config = await shippedConfig();
    expect(() => addCiAccessStacks(new App(), config, [], synthesized.registry, 'nope')).toThrow(
      /previews: base environment "nope"/,
    );
  });
});

function baseProps(): CiAccessProps {
  return {
    appName: 'slipway',
    github: { owner: 'example-org', repository: 'slipway' },
    environments: [{ name: 'dev', region: 'us-east-1' }],
    registry: { account: '111111111111', region: 'us-east-1', repositoryNames: ['slipway'] },
  };
}
