import {
  type ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScheduledActionsCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeInstancesCommand, type EC2Client, StartInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, type RDSClient, StartDBInstanceCommand } from '@aws-sdk/client-rds';
import type { OfficeHoursApi, ScalableTargetState } from '../api.ts';
import { errorName } from './errors.ts';

/** Waking an environment that sleeps: its database, NAT instance and services' capacity. */
export function officeHoursApi(
  rds: RDSClient,
  ec2: EC2Client,
  autoscaling: ApplicationAutoScalingClient,
): OfficeHoursApi {
  return {
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
  };
}
