/*
 * The deploy role's rights for the release lock and audit log (CiAccess with dev and test in one
 * account, and previews):
 *   - the lock: ssm:PutParameter and DeleteParameter on exactly /<app>/<env>/deploy-lock of its
 *     environments (and the previews' pr-<n> lock by one wildcard), nothing else
 *   - the audit log: CreateLogGroup, PutRetentionPolicy and CreateLogStream on exactly the
 *     /<app>/<env>/releases log groups; PutLogEvents on their one `releases` stream
 *   - in a managed policy of its own, so the role's inline policy stays below IAM's size limit
 *     (no overflow policy)
 *   - the plan role gets none of it; no other environment's names appear
 */

import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CiAccess } from './ci-access.ts';

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown };

function statements(roleName: string): Statement[] {
  const stack = new Stack(new App(), 'Ci', { env: { account: '111111111111', region: 'eu-west-1' } });
  new CiAccess(stack, 'CiAccess', {
    appName: 'shop',
    github: { owner: 'acme', repository: 'shop' },
    environments: [
      { name: 'dev', region: 'eu-west-1' },
      { name: 'test', region: 'eu-central-1' },
    ],
    previewRegion: 'eu-west-1',
    registry: { account: '111111111111', region: 'eu-west-1', repositoryNames: ['shop'] },
  });
  const template = Template.fromStack(stack);
  type Role = { Properties: { RoleName: string; ManagedPolicyArns?: unknown[] } };
  type Policy = { Properties: { Roles?: unknown[]; PolicyDocument: { Statement: Statement[] } } };
  const roles = template.findResources('AWS::IAM::Role') as Record<string, Role>;
  const [id, role] = Object.entries(roles).find(([, r]) => r.Properties.RoleName === roleName) ?? [];
  // Inline policies name the role; managed ones are named by the role (ManagedPolicyArns).
  const inline = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Policy>).filter(
    (p) => JSON.stringify(p.Properties.Roles).includes(`"${id}"`),
  );
  const attached = JSON.stringify(role?.Properties.ManagedPolicyArns ?? []);
  const managed = Object.entries(template.findResources('AWS::IAM::ManagedPolicy') as Record<string, Policy>)
    .filter(([policyId]) => attached.includes(`"${policyId}"`))
    .map(([, p]) => p);
  return [...inline, ...managed].flatMap((p) => p.Properties.PolicyDocument.Statement);
}

/** A resource with the partition token as `aws`, so the ARNs read as they will in the account. */
const arns = (s: Statement | undefined) =>
  [s?.Resource]
    .flat()
    .map((r) =>
      JSON.stringify(r).replace(/\{"Fn::Join":\["",\[|\]\]\}|"|\{"Ref":"AWS::Partition"\}|,/g, (m) =>
        m.includes('Partition') ? 'aws' : '',
      ),
    );

describe('the deploy role and the release lock and audit log', () => {
  const deploy = statements('shop-ci-deploy');
  const sid = (id: string) => deploy.find((s) => s.Sid === id);

  it('creates and deletes only the lock parameter of its environments and previews', () => {
    expect(sid('HoldReleaseLock')?.Action).toEqual(['ssm:PutParameter', 'ssm:DeleteParameter']);
    expect(arns(sid('HoldReleaseLock'))).toEqual([
      'arn:aws:ssm:eu-west-1:111111111111:parameter/shop/dev/deploy-lock',
      'arn:aws:ssm:eu-central-1:111111111111:parameter/shop/test/deploy-lock',
      'arn:aws:ssm:eu-west-1:111111111111:parameter/shop/pr-*/deploy-lock',
    ]);
    const deletes = deploy.filter((s) => [s.Action].flat().includes('ssm:DeleteParameter'));
    expect(deletes.map((s) => s.Sid)).toEqual(['HoldReleaseLock']);
  });

  it('creates only the audit log groups of its environments, and writes only their one stream', () => {
    expect(sid('CreateReleaseAuditLog')?.Action).toEqual([
      'logs:CreateLogGroup',
      'logs:PutRetentionPolicy',
      'logs:CreateLogStream',
    ]);
    expect(arns(sid('CreateReleaseAuditLog'))).toEqual([
      'arn:aws:logs:eu-west-1:111111111111:log-group:/shop/dev/releases',
      'arn:aws:logs:eu-west-1:111111111111:log-group:/shop/dev/releases:*',
      'arn:aws:logs:eu-central-1:111111111111:log-group:/shop/test/releases',
      'arn:aws:logs:eu-central-1:111111111111:log-group:/shop/test/releases:*',
      'arn:aws:logs:eu-west-1:111111111111:log-group:/shop/pr-*/releases',
      'arn:aws:logs:eu-west-1:111111111111:log-group:/shop/pr-*/releases:*',
    ]);
    expect(sid('WriteReleaseAuditLog')?.Action).toBe('logs:PutLogEvents');
    expect(arns(sid('WriteReleaseAuditLog'))).toEqual([
      'arn:aws:logs:eu-west-1:111111111111:log-group:/shop/dev/releases:log-stream:releases',
      'arn:aws:logs:eu-central-1:111111111111:log-group:/shop/test/releases:log-stream:releases',
      'arn:aws:logs:eu-west-1:111111111111:log-group:/shop/pr-*/releases:log-stream:releases',
    ]);
    const logWrites = deploy.filter((s) =>
      [s.Action].flat().some((a) => /^logs:(Create|Put|Delete)/.test(a)),
    );
    expect(logWrites.map((s) => s.Sid).sort()).toEqual(['CreateReleaseAuditLog', 'WriteReleaseAuditLog']);
  });

  it('keeps them in their own managed policy, and the inline policy without overflow', () => {
    const stack = new Stack(new App(), 'Ci', { env: { account: '111111111111', region: 'eu-west-1' } });
    new CiAccess(stack, 'CiAccess', {
      appName: 'shop',
      github: { owner: 'acme', repository: 'shop' },
      environments: [{ name: 'dev', region: 'eu-west-1', officeHours: true }],
      previewRegion: 'eu-west-1',
      registry: { account: '111111111111', region: 'eu-west-1', repositoryNames: ['shop'] },
    });
    const managed = Object.keys(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
    expect(managed.filter((id) => id.includes('Overflow'))).toEqual([]);
    expect(managed.filter((id) => id.includes('ReleaseRecords'))).toHaveLength(1);
  });

  it('gives the plan role none of it', () => {
    const plan = JSON.stringify(statements('shop-ci-plan'));
    expect(plan).not.toContain('deploy-lock');
    expect(plan).not.toContain('ssm:DeleteParameter');
    expect(plan).not.toContain('logs:PutLogEvents');
  });
});
