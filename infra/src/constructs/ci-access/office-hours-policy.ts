import * as iam from 'aws-cdk-lib/aws-iam';
import { type AccountArns, type DeployTarget, unique } from './arns.ts';

/**
 * Office hours: outside them, `slipway deploy` starts an environment early (its NAT instance and
 * database, sets its services' autoscaling bounds) before deploying. The instances are scoped by
 * the stack-name tag CloudFormation puts on them, since their ids are generated; the services by
 * name; Application Auto Scaling has no resource-level permissions on RegisterScalableTarget but
 * checks the caller's ecs:UpdateService on the service it scales. Returns the wildcard ARNs (as
 * cdk-nag prints them) for the acknowledgement.
 */
export function grantOfficeHoursStart(role: iam.Role, arns: AccountArns, targets: DeployTarget[]): string[] {
  const sleepy = targets.filter((t) => t.officeHours);
  if (sleepy.length === 0) return [];
  const owned = sleepy.filter((t) => !t.prefix.includes('*')); // previews own no network or database
  const regions = unique(owned.map((t) => t.region));
  const instances = (partition?: string) =>
    regions.flatMap((r) => [
      arns.arn('rds', r, 'db:*', partition),
      arns.arn('ec2', r, 'instance/*', partition),
    ]);
  const services = (partition?: string) =>
    sleepy.map((t) => arns.arn('ecs', t.region, `service/${t.prefix}/*`, partition));
  if (owned.length > 0) {
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WakeOfficeHoursInstances',
        actions: ['rds:StartDBInstance', 'ec2:StartInstances'],
        resources: instances(),
        conditions: {
          StringEquals: {
            'aws:ResourceTag/aws:cloudformation:stack-name': owned.flatMap((t) => [
              `${t.prefix}-network`,
              `${t.prefix}-data`,
            ]),
          },
        },
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadOfficeHoursDatabases',
        actions: ['rds:DescribeDBInstances'],
        resources: regions.map((r) => arns.arn('rds', r, 'db:*')),
      }),
    );
  }
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'DescribeOfficeHoursState',
      actions: [
        'ec2:DescribeInstances',
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:DescribeScheduledActions',
      ],
      resources: ['*'],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'WakeOfficeHoursServices',
      actions: ['application-autoscaling:RegisterScalableTarget'],
      resources: ['*'],
      conditions: {
        StringEquals: {
          'application-autoscaling:service-namespace': 'ecs',
          'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount',
        },
      },
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ScaleOfficeHoursServices',
      actions: ['ecs:UpdateService'],
      resources: services(),
    }),
  );
  return owned.length > 0
    ? [...instances('<AWS::Partition>'), ...services('<AWS::Partition>')]
    : services('<AWS::Partition>');
}
