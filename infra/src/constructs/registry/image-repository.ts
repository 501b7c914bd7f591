import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { MUTABLE_TAG_PATTERNS, protectedTagPatterns } from './tags.ts';

export interface ImageRepositoryProps {
  /** Repository name (the app's name), e.g. `slipway`. */
  readonly repositoryName: string;
  /**
   * Other AWS accounts whose principals may pull (the environments that live elsewhere). Each
   * account still decides with its own IAM which of its roles may (the service's execution role).
   * @default no cross-account pull: only this account's IAM principals can pull
   */
  readonly pullAccounts?: string[];
  /**
   * ARN of the only role that may upload image layers (the CI push role). When set, the
   * repository policy allows it to push and denies layer uploads to every other principal, so new
   * images come from CI only; tag moves (PutImage of an existing manifest) stay possible for
   * principals with IAM rights here (the deployer's release tags).
   * @default no push statements: pushing is governed by IAM in this account alone
   */
  readonly pushRoleArn?: string;
  /**
   * How many of the most recently pushed tagged images, beyond the protected ones, the lifecycle
   * policy keeps.
   * @default 10
   */
  readonly keepImages?: number;
  /**
   * Tag globs (`*` only, at most 4 per pattern) whose images the lifecycle rules never expire.
   * `deployed-*` and `rollback-*` are always added.
   * @default ['latest', '*-latest']
   */
  readonly protectedTags?: string[];
  /**
   * What happens to the repository and its images when the stack is deleted. `DESTROY` also
   * empties the repository first.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Days an untagged image (an overwritten `latest`, a failed multi-step push) is kept. */
export const UNTAGGED_EXPIRY_DAYS = 1;
/**
 * countNumber of the claim rules: out of reach, so they never expire anything themselves (the
 * value of the aws-cdk-lib LifecycleRule example).
 */
export const CLAIM_COUNT = 9999;

const PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
const LAYER_UPLOAD_ACTIONS = ['ecr:CompleteLayerUpload', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart'];
const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
// ECR lifecycle tag patterns: tag characters plus `*`, at most four wildcards.
const LIFECYCLE_PATTERN = /^(?=.{1,128}$)[A-Za-z0-9._-]*(\*[A-Za-z0-9._-]*){0,4}$/;

/**
 * The app's ECR repository:
 * - scan on push (basic scanning), AES-256 encryption at rest;
 * - tags immutable except {@link MUTABLE_TAG_PATTERNS} (`IMMUTABLE_WITH_EXCLUSION`), so a commit
 *   sha always names the same image while `latest`, `dev-latest` and the release tags move;
 * - lifecycle: one "claim" rule per protected pattern (ECR selects an image for a rule only when
 *   it matches *every* pattern of the rule's `tagPatternList`, so the patterns cannot share one
 *   rule), then untagged images expire after a day, then all but the `keepImages` most recent
 *   tagged images expire. ECR never lets a rule expire an image a higher-priority rule selected,
 *   so claimed images are never expired;
 * - repository policy: pull for the other environments' accounts, push for the CI push role only.
 */
export class ImageRepository extends Construct {
  readonly repository: ecr.Repository;
  /** The patterns the claim rules protect, in rule order. */
  readonly protectedTags: string[];

  constructor(scope: Construct, id: string, props: ImageRepositoryProps) {
    super(scope, id);
    const keepImages = props.keepImages ?? 10;
    this.protectedTags = protectedTagPatterns(props.protectedTags ?? ['latest', '*-latest']);
    const pullAccounts = [...new Set(props.pullAccounts ?? [])];
    validate(props, keepImages, this.protectedTags, pullAccounts);

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.repository = new ecr.Repository(this, 'Repository', {
      repositoryName: props.repositoryName,
      imageScanOnPush: true,
      encryption: ecr.RepositoryEncryption.AES_256,
      imageTagMutability: ecr.TagMutability.IMMUTABLE_WITH_EXCLUSION,
      imageTagMutabilityExclusionFilters: MUTABLE_TAG_PATTERNS.map((p) =>
        ecr.ImageTagMutabilityExclusionFilter.wildcard(p),
      ),
      removalPolicy,
      emptyOnDelete: removalPolicy === RemovalPolicy.DESTROY,
    });
    // aws-cdk-lib leaves AES-256 implicit (ECR's default); state it so the template says what it is.
    (this.repository.node.defaultChild as ecr.CfnRepository).encryptionConfiguration = {
      encryptionType: 'AES256',
    };

    this.addLifecycleRules(keepImages);
    this.grantAccess(props, pullAccounts);
  }

  /**
   * Claim rules first (one per protected pattern, so no later rule expires them), then untagged
   * expiry, then the newest `keepImages` of the rest.
   */
  private addLifecycleRules(keepImages: number): void {
    this.protectedTags.forEach((pattern, i) => {
      this.repository.addLifecycleRule({
        rulePriority: i + 1,
        description: `Claim images tagged ${pattern}: no later rule may expire them`,
        tagStatus: ecr.TagStatus.TAGGED,
        tagPatternList: [pattern],
        maxImageCount: CLAIM_COUNT,
      });
    });
    const next = this.protectedTags.length + 1;
    this.repository.addLifecycleRule({
      rulePriority: next,
      description: `Expire untagged images ${UNTAGGED_EXPIRY_DAYS} day after push`,
      tagStatus: ecr.TagStatus.UNTAGGED,
      maxImageAge: Duration.days(UNTAGGED_EXPIRY_DAYS),
    });
    this.repository.addLifecycleRule({
      rulePriority: next + 1,
      description: `Keep the ${keepImages} most recently pushed tagged images not claimed above`,
      tagStatus: ecr.TagStatus.TAGGED,
      tagPatternList: ['*'],
      maxImageCount: keepImages,
    });
  }

  /** Pulls from the environment accounts; pushes and layer uploads from the CI push role only. */
  private grantAccess(props: ImageRepositoryProps, pullAccounts: string[]): void {
    if (pullAccounts.length > 0) {
      this.repository.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'PullFromEnvironmentAccounts',
          principals: pullAccounts.map((a) => new iam.AccountPrincipal(a)),
          actions: PULL_ACTIONS,
        }),
      );
    }
    if (props.pushRoleArn !== undefined) {
      // The account principal with a condition on the role's ARN, not the role as principal: ECR
      // rejects a policy naming a role that does not exist yet, and the CI access stack that
      // creates the push role may be deployed after this one.
      const pushRole = { ArnEquals: { 'aws:PrincipalArn': props.pushRoleArn } };
      this.repository.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'PushFromCiPushRole',
          principals: [new iam.AccountRootPrincipal()],
          actions: [...PULL_ACTIONS, ...LAYER_UPLOAD_ACTIONS, 'ecr:DescribeImages', 'ecr:PutImage'],
          conditions: pushRole,
        }),
      );
      this.repository.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'LayerUploadsOnlyFromCiPushRole',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: LAYER_UPLOAD_ACTIONS,
          conditions: { ArnNotEquals: { 'aws:PrincipalArn': props.pushRoleArn } },
        }),
      );
    }
  }
}

function validate(props: ImageRepositoryProps, keepImages: number, patterns: string[], accounts: string[]) {
  const errors: string[] = [];
  if (!REPOSITORY_NAME.test(props.repositoryName) || props.repositoryName.length > 256) {
    errors.push(
      `repositoryName: got "${props.repositoryName}"; use lowercase letters, digits and . _ - / (2-256 characters)`,
    );
  }
  if (!Number.isInteger(keepImages) || keepImages < 1 || keepImages > 1000) {
    errors.push(`keepImages: got ${keepImages}; allowed a whole number from 1 to 1000`);
  }
  for (const pattern of patterns) {
    if (!LIFECYCLE_PATTERN.test(pattern)) {
      errors.push(
        `protectedTags: got "${pattern}"; allowed A-Z a-z 0-9 . _ - and at most four * wildcards (no ?)`,
      );
    }
  }
  for (const account of accounts) {
    if (!/^\d{12}$/.test(account))
      errors.push(`pullAccounts: got "${account}"; expected a 12-digit account id`);
  }
  if (errors.length > 0) throw new Error(`ImageRepository: ${errors.join('; ')}`);
}
