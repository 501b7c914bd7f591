import {
  pullRegistry,
  type ResolvedEnvironment,
  type ResolvedRegistry,
  type ResolvedService,
} from '@slipway/config';
import { PARAMETERS, parameterName, repositoryName } from '@slipway/config/contract';
import { CfnCondition, Fn, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { BOOTSTRAP_IMAGE_TAG } from '../../constructs/release/image-tag-parameter.ts';
import { pascal } from './names.ts';

/** A service's container image and the tag `/info` reports. */
export interface ServiceImage {
  readonly image: ecs.ContainerImage;
  /** The commit sha the pipeline built (a built image), or the URI's tag. */
  readonly tag: string;
  /** True while the environment has a released image; undefined for an image pulled by URI. */
  readonly hasImage: CfnCondition | undefined;
}

/**
 * The images of an environment's services. Built images come from ECR at the tag the deployer
 * released (one SSM parameter, resolved at deploy time: every image of a commit carries the same
 * tag): the default web service's image from the app's repository, any other built image from
 * `<app>-<owner>`. With replicated images (`registry.replication`) they are pulled from the
 * environment's own account and region, where ECR keeps a copy of every repository; the execution
 * role's pull rights follow the same ARNs. An image pulled by URI is used as configured.
 */
export class ServiceImages {
  private readonly repositories = new Map<string, ecr.IRepository>();
  private releasedTag?: string;
  private condition?: CfnCondition;

  private readonly scope: Construct;
  private readonly env: ResolvedEnvironment;
  private readonly registry: ResolvedRegistry;
  /** The service whose image is the app's own (the default web service's image owner). */
  private readonly primaryOwner: string;

  constructor(scope: Construct, env: ResolvedEnvironment, registry: ResolvedRegistry, primaryOwner: string) {
    this.scope = scope;
    this.env = env;
    this.registry = registry;
    this.primaryOwner = primaryOwner;
  }

  /** The image `service` runs. */
  of(service: ResolvedService): ServiceImage {
    const image = service.image;
    if ('uri' in image) {
      return {
        image: ecs.ContainerImage.fromRegistry(image.uri),
        tag: image.uri.split(/[:@]/).pop() ?? image.uri,
        hasImage: undefined,
      };
    }
    const tag = this.tag();
    return {
      image: ecs.ContainerImage.fromEcrRepository(this.repository(service.imageOwner), tag),
      tag,
      hasImage: this.hasImage(),
    };
  }

  /** The released tag, read once (`HasImage` and the image references share it). */
  private tag(): string {
    this.releasedTag ??= ssm.StringParameter.valueForStringParameter(
      this.scope,
      parameterName(this.env, PARAMETERS.imageTag),
    );
    return this.releasedTag;
  }

  /** False on the first deploy of an empty account, before any image was released. */
  private hasImage(): CfnCondition {
    this.condition ??= new CfnCondition(this.scope, 'HasImage', {
      expression: Fn.conditionNot(Fn.conditionEquals(this.tag(), BOOTSTRAP_IMAGE_TAG)),
    });
    return this.condition;
  }

  /** `Repository` for the app's own image (its id since the first deploy), `Repository<Owner>` for others. */
  private repository(owner: string): ecr.IRepository {
    const found = this.repositories.get(owner);
    if (found) return found;
    const primary = owner === this.primaryOwner;
    const name = repositoryName(this.env.app.name, owner, primary);
    const { account, region } = pullRegistry(this.registry, this.env);
    const repository = ecr.Repository.fromRepositoryArn(
      this.scope,
      primary ? 'Repository' : `Repository${pascal(owner)}`,
      `arn:${Stack.of(this.scope).partition}:ecr:${region}:${account}:repository/${name}`,
    );
    this.repositories.set(owner, repository);
    return repository;
  }
}
