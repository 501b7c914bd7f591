import { Aws, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import { lifecyclePolicy } from './lifecycle.ts';
import { MUTABLE_TAG_PATTERNS, protectedTagPatterns } from './tags.ts';

/*
 * Regional images (docs/images.md, "Regional images"): the registry copies every pushed image to
 * each other account and region that runs an environment, so tasks pull from their own region.
 * `ImageReplication` is the registry's side, `ReplicaRegistry` each destination's.
 */

/** ECR allows at most 25 destinations across the rules of one registry's replication configuration. */
export const MAX_REPLICATION_DESTINATIONS = 25;

/** An account and region receiving a copy of every image. */
export interface ReplicationDestination {
  /** The destination registry's account id. */
  readonly account: string;
  /** The destination region. */
  readonly region: string;
}

export interface ImageReplicationProps {
  /** Where every image is copied to: distinct places other than this stack's own; at least one, at most 25. */
  readonly destinations: ReplicationDestination[];
}

/**
 * The registry's replication configuration (`AWS::ECR::ReplicationConfiguration`, one per
 * account and region: this stack owns it). One rule without a repository filter: every
 * repository of the registry is replicated, so repositories added later (another image, the
 * Grafana image) are copied without a change here. ECR copies pushes, including a tag moved by
 * PutImage, but not deletions: each destination cleans its copies itself (`ReplicaRegistry`, and
 * the cleanup function of the replica stack).
 */
export class ImageReplication extends Construct {
  readonly configuration: ecr.CfnReplicationConfiguration;

  constructor(scope: Construct, id: string, props: ImageReplicationProps) {
    super(scope, id);
    validateDestinations(props.destinations, Stack.of(this));
    this.configuration = new ecr.CfnReplicationConfiguration(this, 'Configuration', {
      replicationConfiguration: {
        rules: [
          {
            destinations: props.destinations.map((d) => ({ region: d.region, registryId: d.account })),
          },
        ],
      },
    });
  }
}

export interface ReplicaRegistryProps {
  /** The registry account the images are replicated from. */
  readonly sourceAccount: string;
  /**
   * How many of the most recently pushed tagged images, beyond the protected ones, the replicas'
   * lifecycle policy keeps (the source repositories' `keepImages`).
   * @default 10
   */
  readonly keepImages?: number;
  /**
   * The app's repositories the registry replicates here, recorded in the template's metadata
   * (`slipway:repositories`) for `slipway plan`'s storage estimate; ECR creates them.
   * @default [] (the estimate then counts one)
   */
  readonly repositoryNames?: string[];
  /**
   * Tag globs whose images the replicas' lifecycle rules never expire; `deployed-*` and
   * `rollback-*` are always added.
   * @default ['latest', '*-latest']
   */
  readonly protectedTags?: string[];
}

/**
 * One destination registry (this stack's account and region):
 * - the registry policy (`AWS::ECR::RegistryPolicy`) letting the source account replicate into
 *   it and create the repositories, only when the source is another account (replication within
 *   one account needs none);
 * - a repository creation template (`AWS::ECR::RepositoryCreationTemplate`, prefix `ROOT`, for
 *   replication only) giving the repositories ECR creates the source repositories' settings:
 *   AES-256, the same tag immutability exclusions and the same lifecycle policy, so the release
 *   tags (`deployed-*`, `rollback-*`) are never expired in a replica either.
 *
 * The `ROOT` prefix because a template's prefix names a namespace (`<prefix>/`), and the app's
 * repositories (`<app>`, `<app>-<owner>`) have none.
 */
export class ReplicaRegistry extends Construct {
  readonly policy: ecr.CfnRegistryPolicy | undefined;
  readonly template: ecr.CfnRepositoryCreationTemplate;

  constructor(scope: Construct, id: string, props: ReplicaRegistryProps) {
    super(scope, id);
    if (!/^\d{12}$/.test(props.sourceAccount)) {
      throw new Error(
        `ReplicaRegistry: sourceAccount: got "${props.sourceAccount}"; expected a 12-digit account id`,
      );
    }
    const stack = Stack.of(this);
    if (props.sourceAccount !== stack.account) {
      this.policy = new ecr.CfnRegistryPolicy(this, 'Policy', {
        policyText: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'ReplicateFromRegistryAccount',
              Effect: 'Allow',
              Principal: { AWS: `arn:${Aws.PARTITION}:iam::${props.sourceAccount}:root` },
              Action: ['ecr:CreateRepository', 'ecr:ReplicateImage'],
              Resource: `arn:${Aws.PARTITION}:ecr:${stack.region}:${stack.account}:repository/*`,
            },
          ],
        },
      });
    }
    const patterns = protectedTagPatterns(props.protectedTags ?? ['latest', '*-latest']);
    this.template = new ecr.CfnRepositoryCreationTemplate(this, 'CreationTemplate', {
      prefix: 'ROOT',
      appliedFor: ['REPLICATION'],
      description: `Replicas of the images of account ${props.sourceAccount}: the source repositories' settings (docs/images.md)`,
      encryptionConfiguration: { encryptionType: 'AES256' },
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: MUTABLE_TAG_PATTERNS.map((p) => ({
        imageTagMutabilityExclusionFilterType: 'WILDCARD',
        imageTagMutabilityExclusionFilterValue: p,
      })),
      lifecyclePolicy: JSON.stringify(lifecyclePolicy(props.keepImages ?? 10, patterns)),
    });
    if (props.repositoryNames && props.repositoryNames.length > 0) {
      this.template.addMetadata('slipway:repositories', props.repositoryNames);
    }
  }
}

function validateDestinations(destinations: readonly ReplicationDestination[], stack: Stack): void {
  const errors: string[] = [];
  if (destinations.length === 0) errors.push('destinations: got an empty list; pass at least one');
  if (destinations.length > MAX_REPLICATION_DESTINATIONS) {
    errors.push(
      `destinations: got ${destinations.length}; ECR replicates to at most ${MAX_REPLICATION_DESTINATIONS} destinations`,
    );
  }
  const seen = new Set<string>();
  for (const d of destinations) {
    if (!/^\d{12}$/.test(d.account))
      errors.push(`destinations: got account "${d.account}"; expected 12 digits`);
    const key = `${d.account}/${d.region}`;
    if (seen.has(key)) errors.push(`destinations: ${key} is listed twice`);
    seen.add(key);
    if (d.account === stack.account && d.region === stack.region) {
      errors.push(`destinations: ${key} is this registry itself`);
    }
  }
  if (errors.length > 0) throw new Error(`ImageReplication: ${errors.join('; ')}`);
}
