/*
 * The image-cleanup function's wiring, as a construct in a bare stack. The handler's
 * behaviour is tested against moto_server in infra/functions/image-cleanup.
 *
 * Scenarios and expected outcomes:
 *   - Node.js 24 on ARM64, ESM bundle with the SDK inside (one real esbuild bundle: it exports
 *     `handler` and imports no @aws-sdk package at run time), 5 minutes, no async retries
 *   - environment: the handler's contract (REPOSITORY_NAMES, MAX_AGE_DAYS, PROTECTED_TAG_PATTERNS with
 *     the release tags added, DRY_RUN, ECS_CLUSTERS, METRIC_NAMESPACE) from the props
 *   - schedule: an EventBridge rule with the configured expression targets the function, and only
 *     that rule may invoke it
 *   - log group /aws/lambda/<name> with retention, used by the function
 *   - role: no managed policy, no ecr:* or * action; ECR reads and deletes on exactly the given
 *     repositories' ARNs (one or two); REPOSITORY_NAMES lists both, comma-separated; no ECS statement without clusters; with clusters ListServices/ListTasks are conditioned
 *     on exactly those clusters, DescribeServices/DescribeTasks scoped to their services and tasks,
 *     DescribeTaskDefinition the only unconditioned `*`
 *   - alarm on the function's Errors (>= 1 in 5 minutes) notifies a KMS-encrypted, TLS-only topic;
 *     one email subscription per address
 *   - invalid props (no repository, schedule, maxAgeDays, function name, email) fail naming the prop
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { describe, expect, it } from 'vitest';
import { cdkContext } from '../../app.ts';
import { ImageCleanup, type ImageCleanupProps } from './image-cleanup.ts';

const CLUSTERS = [
  { environment: 'dev', clusterName: 'slipway-dev' },
  { environment: 'test', clusterName: 'slipway-test' },
];

function build(props: Partial<ImageCleanupProps> = {}, options: { bundle?: boolean; second?: boolean } = {}) {
  const app = new App({
    // Bundling costs about a second; only the bundle test needs the real asset.
    context: { ...cdkContext(), ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
  const stack = new Stack(app, 'Registry', { env: { account: '111111111111', region: 'us-east-1' } });
  const repository = new ecr.Repository(stack, 'Repo', { repositoryName: 'slipway' });
  const repositories = [repository];
  if (options.second)
    repositories.push(new ecr.Repository(stack, 'Admin', { repositoryName: 'slipway-admin' }));
  const cleanup = new ImageCleanup(stack, 'Cleanup', {
    repositories,
    functionName: 'slipway-image-cleanup',
    ...props,
  });
  return { app, stack, cleanup, template: Template.fromStack(stack) };
}

type Statement = {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

function roleStatements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
        .Statement,
  );
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const arn = (suffix: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecs:us-east-1:111111111111:${suffix}`]],
});

// The first synth loads aws-cdk-lib (seconds on a busy machine): a generous per-test budget, not a speed check.
describe('ImageCleanup', { timeout: 60_000 }, () => {
  it('runs Node.js 24 on ARM64 for at most 5 minutes, without async retries', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'slipway-image-cleanup',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 300,
      MemorySize: 256,
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
  });

  it('hands the handler its documented environment, release tags always protected', () => {
    build().template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          REPOSITORY_NAMES: { Ref: Match.stringLikeRegexp('^Repo') },
          MAX_AGE_DAYS: '60',
          PROTECTED_TAG_PATTERNS: 'latest,*-latest,deployed-*,rollback-*',
          DRY_RUN: 'false',
          ECS_CLUSTERS: '[]',
          METRIC_NAMESPACE: 'Slipway/ImageCleanup',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  it('passes dry run, age, patterns and clusters from the props', () => {
    build({
      dryRun: true,
      maxAgeDays: 30,
      protectedTags: ['stable'],
      clusters: CLUSTERS,
    }).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          MAX_AGE_DAYS: '30',
          DRY_RUN: 'true',
          PROTECTED_TAG_PATTERNS: 'stable,deployed-*,rollback-*',
          ECS_CLUSTERS:
            '[{"environment":"dev","cluster":"slipway-dev"},{"environment":"test","cluster":"slipway-test"}]',
        }),
      },
    });
  });

  it('runs on the configured EventBridge schedule, and only that rule may invoke it', () => {
    const { template } = build({ schedule: 'rate(12 hours)' });
    const rules = template.findResources('AWS::Events::Rule');
    expect(
      Object.values(rules).map(
        (r) => (r as { Properties: { ScheduleExpression: string } }).Properties.ScheduleExpression,
      ),
    ).toEqual(['rate(12 hours)']);
    const ruleId = Object.keys(rules)[0] as string;
    const functionId = Object.keys(template.findResources('AWS::Lambda::Function'))[0] as string;
    template.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId, 'Arn'] } })],
    });
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
  });

  it('runs daily at 03:00 UTC by default', () => {
    build().template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 3 * * ? *)' });
  });

  it('logs to /aws/lambda/<name> with a 90-day retention', () => {
    const { template } = build();
    const logGroupId = Object.keys(template.findResources('AWS::Logs::LogGroup'))[0] as string;
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/lambda/slipway-image-cleanup',
      RetentionInDays: 90,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: logGroupId } },
    });
  });

  it('gives the role no managed policy and no ecr:* or * action', () => {
    const { template } = build({ clusters: CLUSTERS });
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    const actions = roleStatements(template).flatMap(actionsOf);
    expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
  });

  it('reads and deletes images of its one repository only', () => {
    const { template } = build();
    const repoId = Object.keys(template.findResources('AWS::ECR::Repository'))[0] as string;
    const ecrStatements = roleStatements(template).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('ecr:')),
    );
    expect(ecrStatements).toEqual([
      {
        Sid: 'CleanAppRepositories',
        Effect: 'Allow',
        Action: ['ecr:BatchDeleteImage', 'ecr:BatchGetImage', 'ecr:DescribeImages'],
        Resource: { 'Fn::GetAtt': [repoId, 'Arn'] },
      },
    ]);
  });

  it('cleans every repository it is given, and reads and deletes in exactly those', () => {
    const { template } = build({}, { second: true });
    const ids = Object.keys(template.findResources('AWS::ECR::Repository')).sort();
    const statement = roleStatements(template).find((s) => s.Sid === 'CleanAppRepositories');
    expect(statement?.Resource).toEqual(
      expect.arrayContaining(ids.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }))),
    );
    expect(statement?.Resource).toHaveLength(2);
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as {
      Properties: { Environment: { Variables: { REPOSITORY_NAMES: unknown } } };
    }[];
    expect(fn?.Properties.Environment.Variables.REPOSITORY_NAMES).toEqual({
      'Fn::Join': [
        '',
        [{ Ref: expect.stringMatching(/^Repo/) }, ',', { Ref: expect.stringMatching(/^Admin/) }],
      ],
    });
  });

  it('has no ECS permission when no cluster shares its account and region', () => {
    const actions = roleStatements(build().template).flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('ecs:'))).toEqual([]);
    expect(actions.sort()).toEqual([
      'ecr:BatchDeleteImage',
      'ecr:BatchGetImage',
      'ecr:DescribeImages',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
  });

  it('scopes ECS reads to the listed clusters', () => {
    const statements = roleStatements(build({ clusters: CLUSTERS }).template);
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid);
    expect(bySid('ListServicesAndTasksOfTheClusters')).toMatchObject({
      Action: ['ecs:ListServices', 'ecs:ListTasks'],
      Resource: '*',
      Condition: { ArnEquals: { 'ecs:cluster': [arn('cluster/slipway-dev'), arn('cluster/slipway-test')] } },
    });
    expect(bySid('DescribeServicesOfTheClusters')).toMatchObject({
      Action: 'ecs:DescribeServices',
      Resource: [arn('service/slipway-dev/*'), arn('service/slipway-test/*')],
    });
    expect(bySid('DescribeTasksOfTheClusters')).toMatchObject({
      Action: 'ecs:DescribeTasks',
      Resource: [arn('task/slipway-dev/*'), arn('task/slipway-test/*')],
    });
    // The one `*` without a condition: DescribeTaskDefinition has no resource-level permissions.
    const unconditionedStar = statements.filter((s) => s.Resource === '*' && s.Condition === undefined);
    expect(unconditionedStar.flatMap(actionsOf)).toEqual(['ecs:DescribeTaskDefinition']);
  });

  it('alarms on a failed invocation into a KMS-encrypted, TLS-only topic', () => {
    const { template } = build({ alarmEmails: ['ops@example.com', 'dev@example.com'] });
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0] as string;
    const functionId = Object.keys(template.findResources('AWS::Lambda::Function'))[0] as string;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
    });
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlarmTopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('subscribes nobody without alarm emails', () => {
    build().template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('bundles the handler as one ESM file that exports handler and carries its SDK clients', () => {
    const { app, template } = build({}, { bundle: true });
    const assembly = app.synth();
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as {
      Properties: { Code: { S3Key: string } };
    }[];
    // The staged asset directory is named after the hash the S3 key carries.
    const dir = join(assembly.directory, `asset.${fn?.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).toContain('BatchDeleteImage');
  });

  it.each([
    [{ repositories: [] }, /repositories: got an empty list/],
    [{ schedule: 'every day' }, /schedule: got "every day"; use an EventBridge expression/],
    [{ maxAgeDays: 0 }, /maxAgeDays: got 0; allowed a whole number of days from 1 to 3650/],
    [{ functionName: 'image cleanup' }, /functionName: got "image cleanup"/],
    [{ alarmEmails: ['ops'] }, /alarmEmails: got "ops"; expected an email address/],
  ])('rejects %j naming the prop', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
