import { isHostedZoneId } from '@slipway/config';
import { type CfnResource, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';
import { HandlerFunction } from '../deployment/hook-function.ts';

/**
 * The hosted zone `domain.zone` names, by id or by name, without a lookup at synth. An id is used
 * as it is; a name is resolved to its id at deploy time by {@link HostedZoneLookup} (one per stack).
 */
export function hostedZone(scope: Construct, id: string, zone: string): route53.IHostedZone {
  if (isHostedZoneId(zone)) return route53.HostedZone.fromHostedZoneId(scope, id, zone);
  return route53.HostedZone.fromHostedZoneAttributes(scope, id, {
    hostedZoneId: HostedZoneLookup.of(scope, zone).hostedZoneId,
    zoneName: zone,
  });
}

/**
 * Alias records name their zone the way it was given: by id, or by name (`HostedZoneName`), which
 * CloudFormation resolves itself and refuses when two zones share the name, so the records need
 * no lookup of their own.
 */
export function placeRecordInZone(record: route53.RecordSet, zone: string): void {
  if (isHostedZoneId(zone)) return;
  const cfn = record.node.defaultChild as route53.CfnRecordSet;
  cfn.addPropertyDeletionOverride('HostedZoneId');
  cfn.addPropertyOverride('HostedZoneName', `${zone}.`);
}

export interface HostedZoneLookupProps {
  /** Name of the public hosted zone, e.g. `example.com`. */
  readonly zoneName: string;
}

/**
 * Resolves a public hosted zone's name to its id when the stack deploys (`route53:ListHostedZonesByName`,
 * which has no resource-level permissions). The deploy fails with a message naming the zone when no
 * public zone, or more than one, has the name; a private zone of the same name is never chosen.
 */
export class HostedZoneLookup extends Construct {
  /** One lookup per zone name and stack. */
  static of(scope: Construct, zoneName: string): HostedZoneLookup {
    const stack = Stack.of(scope);
    const id = `HostedZoneLookup-${zoneName.replace(/[^a-z0-9]/g, '-')}`;
    return (
      (stack.node.tryFindChild(id) as HostedZoneLookup | undefined) ??
      new HostedZoneLookup(stack, id, { zoneName })
    );
  }

  /** The zone's id (without `/hostedzone/`), known at deploy time. */
  readonly hostedZoneId: string;

  constructor(scope: Construct, id: string, props: HostedZoneLookupProps) {
    super(scope, id);
    const handler = new HandlerFunction(this, 'Lookup', {
      handler: 'zone-lookup',
      environment: {},
      timeout: Duration.seconds(30),
    });
    handler.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['route53:ListHostedZonesByName'], resources: ['*'] }),
    );
    const provider = new cr.Provider(this, 'Provider', { onEventHandler: handler.function });
    const resource = new CustomResource(this, 'Zone', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::HostedZoneLookup',
      properties: { ZoneName: props.zoneName },
    });
    this.hostedZoneId = resource.getAttString('HostedZoneId');
    acknowledge(
      handler.function,
      'AwsSolutions-IAM5[Resource::*]',
      'route53:ListHostedZonesByName supports no resource-level permissions; the function only reads zone names and ids.',
    );
    for (const scope of [provider, handler.function])
      acknowledge(
        scope,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'The AWS managed basic execution role only lets the function write its own logs.',
      );
    const functionId = Stack.of(this).resolve(
      Stack.of(this).getLogicalId(handler.function.node.defaultChild as CfnResource),
    );
    acknowledge(
      provider,
      `AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
      "CDK's custom-resource provider framework may invoke the lookup function and its versions, nothing else.",
    );
  }
}
