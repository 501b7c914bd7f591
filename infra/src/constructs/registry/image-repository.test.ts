/*
 * The app's ECR repository, as a construct in a bare stack.
 *
 * Scenarios and expected outcomes:
 *   - scan on push, AES-256 encryption, tags IMMUTABLE_WITH_EXCLUSION with exactly latest, *-latest,
 *     deployed-*, rollback-* mutable
 *   - lifecycle JSON: one claim rule per protected pattern (9999 images, priorities 1..k), then
 *     untagged expire after 1 day, then tagged "*" keep N; a configured pattern is claimed too and
 *     the release tags are always claimed, each once
 *   - no claim rule ever lists two patterns (ECR would select only images carrying both)
 *   - policy: pull actions only for the other accounts; push allowed for the CI push role by a
 *     condition on aws:PrincipalArn (not a role principal, which ECR rejects before the role
 *     exists); layer uploads denied to every other principal; no policy without pull accounts or
 *     push role
 *   - RETAIN by default (images survive the stack); DESTROY empties the repository first
 *   - invalid props (keepImages, a `?` or a five-wildcard pattern, an account id, a name) fail
 *     naming the prop
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { cdkContext } from '../../app.ts';
import { CLAIM_COUNT, ImageRepository, type ImageRepositoryProps } from './image-repository.ts';

const PUSH_ROLE = 'arn:aws:iam::111111111111:role/slipway-ci-push';

function build(props: Partial<ImageRepositoryProps> = {}) {
  const app = new App({ context: cdkContext() });
  const stack = new Stack(app, 'Registry', { env: { account: '111111111111', region: 'us-east-1' } });
  const images = new ImageRepository(stack, 'Images', { repositoryName: 'slipway', ...props });
  return { images, template: Template.fromStack(stack) };
}

type Rule = {
  rulePriority: number;
  selection: { tagStatus: string; tagPatternList?: string[]; countType: string; countNumber: number };
  action: { type: string };
};

function lifecycleRules(template: Template): Rule[] {
  const [repo] = Object.values(template.findResources('AWS::ECR::Repository')) as {
    Properties: { LifecyclePolicy: { LifecyclePolicyText: string } };
  }[];
  if (!repo) throw new Error('no repository');
  return (JSON.parse(repo.Properties.LifecyclePolicy.LifecyclePolicyText) as { rules: Rule[] }).rules;
}

type Statement = {
  Sid: string;
  Effect: string;
  Action: string[];
  Principal: { AWS: unknown };
  Condition?: Record<string, Record<string, unknown>>;
};

function policyStatements(template: Template): Statement[] {
  const [repo] = Object.values(template.findResources('AWS::ECR::Repository')) as {
    Properties: { RepositoryPolicyText?: { Statement: Statement[] } };
  }[];
  return repo?.Properties.RepositoryPolicyText?.Statement ?? [];
}

// The first synth loads aws-cdk-lib (seconds on a busy machine): a generous per-test budget, not a speed check.
describe('ImageRepository', { timeout: 60_000 }, () => {
  it('scans on push and encrypts with AES-256 (stated, not left to the default)', () => {
    build().template.hasResourceProperties('AWS::ECR::Repository', {
      RepositoryName: 'slipway',
      ImageScanningConfiguration: { ScanOnPush: true },
      EncryptionConfiguration: { EncryptionType: 'AES256' },
    });
  });

  it('makes every tag immutable except latest, *-latest, deployed-* and rollback-*', () => {
    build().template.hasResourceProperties('AWS::ECR::Repository', {
      ImageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      ImageTagMutabilityExclusionFilters: ['latest', '*-latest', 'deployed-*', 'rollback-*'].map((v) => ({
        ImageTagMutabilityExclusionFilterType: 'WILDCARD',
        ImageTagMutabilityExclusionFilterValue: v,
      })),
    });
  });

  it('claims each protected pattern in its own rule, then expires untagged after a day, then keeps 10 tagged', () => {
    expect(lifecycleRules(build().template)).toEqual([
      ...['latest', '*-latest', 'deployed-*', 'rollback-*'].map((pattern, i) => ({
        rulePriority: i + 1,
        description: `Claim images tagged ${pattern}: no later rule may expire them`,
        selection: {
          tagStatus: 'tagged',
          tagPatternList: [pattern],
          countType: 'imageCountMoreThan',
          countNumber: CLAIM_COUNT,
        },
        action: { type: 'expire' },
      })),
      {
        rulePriority: 5,
        description: 'Expire untagged images 1 day after push',
        selection: {
          tagStatus: 'untagged',
          countType: 'sinceImagePushed',
          countNumber: 1,
          countUnit: 'days',
        },
        action: { type: 'expire' },
      },
      {
        rulePriority: 6,
        description: 'Keep the 10 most recently pushed tagged images not claimed above',
        selection: {
          tagStatus: 'tagged',
          tagPatternList: ['*'],
          countType: 'imageCountMoreThan',
          countNumber: 10,
        },
        action: { type: 'expire' },
      },
    ]);
  });

  it('claims configured patterns plus the release tags, each once, and keeps keepImages', () => {
    const rules = lifecycleRules(
      build({ protectedTags: ['latest', 'release-*', 'deployed-*'], keepImages: 25 }).template,
    );
    const claims = rules.filter((r) => r.selection.countNumber === CLAIM_COUNT);
    expect(claims.map((r) => r.selection.tagPatternList)).toEqual([
      ['latest'],
      ['release-*'],
      ['deployed-*'],
      ['rollback-*'],
    ]);
    expect(rules.at(-1)?.selection).toMatchObject({ tagPatternList: ['*'], countNumber: 25 });
    expect(rules.map((r) => r.rulePriority)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('never lists two patterns in one rule (ECR would select only images carrying both)', () => {
    const rules = lifecycleRules(build({ protectedTags: ['latest', '*-latest', 'v*', 'stable'] }).template);
    for (const rule of rules) expect(rule.selection.tagPatternList?.length ?? 1).toBe(1);
  });

  it('lets only the other accounts pull, with the three pull actions', () => {
    const statements = policyStatements(build({ pullAccounts: ['222222222222', '333333333333'] }).template);
    expect(statements).toEqual([
      {
        Sid: 'PullFromEnvironmentAccounts',
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Principal: { AWS: ['arn:aws:iam::222222222222:root', 'arn:aws:iam::333333333333:root'] },
      },
    ]);
  });

  it('allows push for the CI push role by condition and denies layer uploads to everyone else', () => {
    const statements = policyStatements(build({ pushRoleArn: PUSH_ROLE }).template);
    const allow = statements.find((s) => s.Sid === 'PushFromCiPushRole');
    expect(allow).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:root' },
      Condition: { ArnEquals: { 'aws:PrincipalArn': PUSH_ROLE } },
    });
    expect(allow?.Action).toEqual(
      expect.arrayContaining([
        'ecr:InitiateLayerUpload',
        'ecr:UploadLayerPart',
        'ecr:CompleteLayerUpload',
        'ecr:PutImage',
      ]),
    );
    expect(statements.find((s) => s.Sid === 'LayerUploadsOnlyFromCiPushRole')).toEqual({
      Sid: 'LayerUploadsOnlyFromCiPushRole',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['ecr:CompleteLayerUpload', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart'],
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': PUSH_ROLE } },
    });
  });

  it('leaves PutImage out of the deny, so release tags can be moved by principals with IAM rights', () => {
    const deny = policyStatements(build({ pushRoleArn: PUSH_ROLE }).template).filter(
      (s) => s.Effect === 'Deny',
    );
    expect(deny.flatMap((s) => s.Action)).not.toContain('ecr:PutImage');
  });

  it('has no repository policy without pull accounts or a push role', () => {
    build().template.hasResourceProperties('AWS::ECR::Repository', { RepositoryPolicyText: Match.absent() });
  });

  it('retains the repository and its images by default', () => {
    build().template.hasResource('AWS::ECR::Repository', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ EmptyOnDelete: false }),
    });
  });

  it('empties the repository before deleting it with RemovalPolicy.DESTROY', () => {
    build({ removalPolicy: RemovalPolicy.DESTROY }).template.hasResource('AWS::ECR::Repository', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ EmptyOnDelete: true }),
    });
  });

  it.each([
    [{ keepImages: 0 }, /keepImages: got 0; allowed a whole number from 1 to 1000/],
    [{ protectedTags: ['v1.?'] }, /protectedTags: got "v1\.\?"; .*\(no \?\)/],
    [{ protectedTags: ['*a*b*c*d*'] }, /protectedTags: got "\*a\*b\*c\*d\*"/],
    [{ pullAccounts: ['2222'] }, /pullAccounts: got "2222"; expected a 12-digit account id/],
    [{ repositoryName: 'Slipway' }, /repositoryName: got "Slipway"/],
  ])('rejects %j naming the prop', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  it('reports every invalid prop at once', () => {
    expect(() => build({ keepImages: 0, pullAccounts: ['x'] })).toThrow(/keepImages: .*; pullAccounts: /);
  });
});
