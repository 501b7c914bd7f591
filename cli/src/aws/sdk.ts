import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScheduledActionsCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeAccountAttributesCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  EC2Client,
  StartInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  type DescribeImagesCommandOutput,
  ECRClient,
  PutImageCommand,
  type ImageDetail as SdkImageDetail,
} from '@aws-sdk/client-ecr';
import {
  DescribeCapacityProvidersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ExecuteCommandCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeDBInstancesCommand, RDSClient, StartDBInstanceCommand } from '@aws-sdk/client-rds';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Template } from '../synth/template.ts';
import type { AwsApis, AwsFactory, ImageDetail, ScalableTargetState, TemporaryCredentials } from './api.ts';

const errorName = (e: unknown) => (e as { name?: string })?.name ?? '';
const isNotFound = (e: unknown, ...names: string[]) =>
  names.includes(errorName(e)) || /does not exist|not found/i.test((e as Error)?.message ?? '');

function image(d: SdkImageDetail): ImageDetail {
  return {
    digest: d.imageDigest ?? '',
    tags: d.imageTags ?? [],
    pushedAt: d.imagePushedAt,
    sizeBytes: d.imageSizeInBytes,
  };
}

/**
 * The AWS SDK v3 implementation of the CLI's AWS interfaces. Endpoints and credentials come from
 * the standard chain (`AWS_PROFILE`, SSO, OIDC web identity, `AWS_ENDPOINT_URL` for moto_server).
 */
export const sdkFactory: AwsFactory = (region: string, credentials?: TemporaryCredentials): AwsApis => {
  const config = { region, ...(credentials ? { credentials } : {}) };
  const cfn = new CloudFormationClient(config);
  const ssm = new SSMClient(config);
  const ecr = new ECRClient(config);
  const ecs = new ECSClient(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const logs = new CloudWatchLogsClient(config);
  const sts = new STSClient(config);
  const ec2 = new EC2Client(config);
  const iam = new IAMClient(config);
  const acm = new ACMClient(config);
  const rds = new RDSClient(config);
  const autoscaling = new ApplicationAutoScalingClient(config);

  return {
    region,
    cloudFormation: {
      async describeStack(name) {
        try {
          const out = await cfn.send(new DescribeStacksCommand({ StackName: name }));
          const s = out.Stacks?.[0];
          if (!s || s.StackStatus === 'DELETE_COMPLETE') return undefined;
          return {
            name: s.StackName ?? name,
            status: s.StackStatus ?? 'UNKNOWN',
            reason: s.StackStatusReason,
            updatedAt: s.LastUpdatedTime ?? s.CreationTime,
          };
        } catch (e) {
          if (isNotFound(e, 'ValidationError')) return undefined;
          throw e;
        }
      },
      async getTemplate(name) {
        try {
          const out = await cfn.send(new GetTemplateCommand({ StackName: name, TemplateStage: 'Original' }));
          if (!out.TemplateBody) return undefined;
          const body = out.TemplateBody.trim();
          if (body.startsWith('{')) return JSON.parse(body) as Template;
          const { parse } = await import('yaml');
          return parse(body) as Template;
        } catch (e) {
          if (isNotFound(e, 'ValidationError')) return undefined;
          throw e;
        }
      },
      async stackEvents(name, limit) {
        const out = await cfn.send(new DescribeStackEventsCommand({ StackName: name }));
        return (out.StackEvents ?? []).slice(0, limit).map((e) => ({
          time: e.Timestamp ?? new Date(0),
          logicalId: e.LogicalResourceId ?? '',
          type: e.ResourceType ?? '',
          status: e.ResourceStatus ?? '',
          reason: e.ResourceStatusReason,
        }));
      },
    },
    ssm: {
      async get(name) {
        try {
          return (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
        } catch (e) {
          if (errorName(e) === 'ParameterNotFound') return undefined;
          throw e;
        }
      },
      async put(name, value) {
        await ssm.send(
          new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }),
        );
      },
    },
    ecr: {
      async describeImages(repository, tags) {
        if (tags && tags.length > 0) {
          // One call per tag: DescribeImages fails the whole call when one listed tag is missing.
          const found = await Promise.all(
            tags.map(async (tag) => {
              try {
                const out = await ecr.send(
                  new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }),
                );
                return (out.imageDetails ?? []).map(image);
              } catch (e) {
                if (errorName(e) === 'ImageNotFoundException') return [];
                throw e;
              }
            }),
          );
          const byDigest = new Map(found.flat().map((i) => [i.digest, i]));
          return [...byDigest.values()];
        }
        const all: ImageDetail[] = [];
        let nextToken: string | undefined;
        do {
          const out: DescribeImagesCommandOutput = await ecr.send(
            new DescribeImagesCommand({
              repositoryName: repository,
              nextToken,
              filter: { tagStatus: 'TAGGED' },
            }),
          );
          all.push(...(out.imageDetails ?? []).map(image));
          nextToken = out.nextToken;
        } while (nextToken);
        return all;
      },
      async getManifest(repository, ref) {
        const out = await ecr.send(
          new BatchGetImageCommand({
            repositoryName: repository,
            imageIds: ['tag' in ref ? { imageTag: ref.tag } : { imageDigest: ref.digest }],
          }),
        );
        const img = out.images?.[0];
        if (!img?.imageManifest) return undefined;
        return { manifest: img.imageManifest, mediaType: img.imageManifestMediaType };
      },
      async putTag(repository, tag, manifest, mediaType) {
        try {
          await ecr.send(
            new PutImageCommand({
              repositoryName: repository,
              imageTag: tag,
              imageManifest: manifest,
              imageManifestMediaType: mediaType,
            }),
          );
        } catch (e) {
          // The tag already points at this manifest: nothing to move.
          if (errorName(e) !== 'ImageAlreadyExistsException') throw e;
        }
      },
    },
    ecs: {
      async describeService(cluster, service) {
        const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
        const s = out.services?.[0];
        if (!s || s.status === 'INACTIVE') return undefined;
        const tgs = (s.loadBalancers ?? []).flatMap((lb) => [
          lb.targetGroupArn ?? '',
          lb.advancedConfiguration?.alternateTargetGroupArn ?? '',
        ]);
        return {
          name: s.serviceName ?? service,
          status: s.status ?? 'UNKNOWN',
          desired: s.desiredCount ?? 0,
          running: s.runningCount ?? 0,
          pending: s.pendingCount ?? 0,
          taskDefinition: s.taskDefinition,
          deployments: (s.deployments ?? []).map((d) => ({
            id: d.id ?? '',
            status: d.status ?? '',
            rolloutState: d.rolloutState,
            taskDefinition: d.taskDefinition,
            desired: d.desiredCount ?? 0,
            running: d.runningCount ?? 0,
            pending: d.pendingCount ?? 0,
            createdAt: d.createdAt,
          })),
          targetGroupArns: tgs.filter(Boolean),
          events: (s.events ?? []).map((e) => ({
            time: e.createdAt ?? new Date(0),
            message: e.message ?? '',
          })),
        };
      },
      async capacityProviderAvailable(name) {
        const out = await ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: [name] }));
        return (out.capacityProviders ?? []).some((c) => c.name === name && c.status !== 'INACTIVE');
      },
      async runningTasks(cluster, service) {
        const out = await ecs.send(
          new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'RUNNING' }),
        );
        return out.taskArns ?? [];
      },
      async taskDefinitionImages(taskDefinition) {
        const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
        return Object.fromEntries(
          (out.taskDefinition?.containerDefinitions ?? []).map((c) => [c.name ?? '', c.image ?? '']),
        );
      },
      async executeCommand({ cluster, task, container, command }) {
        const out = await ecs.send(
          new ExecuteCommandCommand({ cluster, task, container, command, interactive: true }),
        );
        const s = out.session;
        if (!s?.sessionId || !s.streamUrl || !s.tokenValue)
          throw new Error('ECS ExecuteCommand returned no session');
        // session-manager-plugin's target: ecs:<cluster>_<task id>_<container runtime id>.
        const tasks = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task] }));
        const containers = tasks.tasks?.[0]?.containers ?? [];
        const runtimeId = (
          containers.find((c) => c.name === (out.containerName ?? container)) ?? containers[0]
        )?.runtimeId;
        const taskId = task.split('/').pop() ?? task;
        const clusterName = cluster.split('/').pop() ?? cluster;
        return {
          session: { sessionId: s.sessionId, streamUrl: s.streamUrl, tokenValue: s.tokenValue },
          target: `ecs:${clusterName}_${taskId}_${runtimeId ?? ''}`,
        };
      },
    },
    elbv2: {
      async targetHealth(targetGroupArn) {
        const out = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
        return (out.TargetHealthDescriptions ?? []).map((t) => ({
          id: t.Target?.Id ?? '',
          port: t.Target?.Port,
          state: t.TargetHealth?.State ?? 'unknown',
          reason: t.TargetHealth?.Reason,
        }));
      },
    },
    logs: {
      async events(group, { startTime, nextToken }) {
        const out = await logs.send(
          new FilterLogEventsCommand({ logGroupName: group, startTime, nextToken, interleaved: true }),
        );
        return {
          events: (out.events ?? []).map((e) => ({
            time: new Date(e.timestamp ?? 0),
            stream: e.logStreamName ?? '',
            message: (e.message ?? '').replace(/\n$/, ''),
          })),
          nextToken: out.nextToken,
        };
      },
    },
    sts: {
      async identity() {
        const out = await sts.send(new GetCallerIdentityCommand({}));
        return { account: out.Account ?? '', arn: out.Arn ?? '' };
      },
      async assumeRole(roleArn, sessionName) {
        const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey)
          throw new Error(`assuming ${roleArn} returned no credentials`);
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration,
        };
      },
    },
    account: {
      async elasticIps() {
        const attrs = await ec2.send(
          // The SDK's enum lists only default-vpc and supported-platforms; the API also answers vpc-max-elastic-ips.
          new DescribeAccountAttributesCommand({ AttributeNames: ['vpc-max-elastic-ips' as never] }),
        );
        const limit = Number(attrs.AccountAttributes?.[0]?.AttributeValues?.[0]?.AttributeValue ?? 5);
        const addresses = await ec2.send(new DescribeAddressesCommand({}));
        return { limit, allocated: addresses.Addresses?.length ?? 0 };
      },
      async roleExists(name) {
        try {
          await iam.send(new GetRoleCommand({ RoleName: name }));
          return true;
        } catch (e) {
          if (errorName(e) === 'NoSuchEntityException' || errorName(e) === 'NoSuchEntity') return false;
          throw e;
        }
      },
      async certificate(arn) {
        try {
          const out = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
          const c = out.Certificate;
          if (!c) return undefined;
          return {
            status: c.Status ?? 'UNKNOWN',
            notAfter: c.NotAfter,
            domains: c.SubjectAlternativeNames ?? (c.DomainName ? [c.DomainName] : []),
          };
        } catch (e) {
          if (errorName(e) === 'ResourceNotFoundException') return undefined;
          throw e;
        }
      },
    },
    officeHours: {
      async databaseStatus(id) {
        try {
          const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
          return out.DBInstances?.[0]?.DBInstanceStatus;
        } catch (e) {
          if (errorName(e) === 'DBInstanceNotFoundFault') return undefined;
          throw e;
        }
      },
      async startDatabase(id) {
        await rds.send(new StartDBInstanceCommand({ DBInstanceIdentifier: id }));
      },
      async instanceState(id) {
        try {
          const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
          return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
        } catch (e) {
          if (errorName(e) === 'InvalidInstanceID.NotFound') return undefined;
          throw e;
        }
      },
      async startInstance(id) {
        await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
      },
      async scalableTargets(resourceIdPrefix) {
        const targets: ScalableTargetState[] = [];
        let token: string | undefined;
        do {
          const out = await autoscaling.send(
            new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', NextToken: token }),
          );
          for (const t of out.ScalableTargets ?? []) {
            if (!t.ResourceId?.startsWith(resourceIdPrefix)) continue;
            const actions = await autoscaling.send(
              new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ResourceId: t.ResourceId }),
            );
            targets.push({
              resourceId: t.ResourceId,
              min: t.MinCapacity ?? 0,
              max: t.MaxCapacity ?? 0,
              scheduledActions: (actions.ScheduledActions ?? []).map((a) => ({
                name: a.ScheduledActionName ?? '',
                min: a.ScalableTargetAction?.MinCapacity,
                max: a.ScalableTargetAction?.MaxCapacity,
              })),
            });
          }
          token = out.NextToken;
        } while (token);
        return targets;
      },
      async setCapacity(resourceId, min, max) {
        await autoscaling.send(
          new RegisterScalableTargetCommand({
            ServiceNamespace: 'ecs',
            ResourceId: resourceId,
            ScalableDimension: 'ecs:service:DesiredCount',
            MinCapacity: min,
            MaxCapacity: max,
          }),
        );
      },
    },
  };
};
