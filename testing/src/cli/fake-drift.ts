import type {
  DescribeStackDriftDetectionStatusOutput,
  DriftApi,
  PropertyDifference,
  StackResourceDrift,
} from '@slipway/cli/src/aws/drift-api.ts';

/*
 * A fake of the three CloudFormation drift calls (DriftApi) and the resource drifts of a prod
 * environment after an ECS blue/green deploy, for the drift tests. moto_server cannot stand in:
 * it answers DetectStackDrift with HTTP 500 NotImplementedError.
 */
// cspell:ignore FBAE

export const REGION = 'af-south-1';
export const ACCOUNT = '333333333333';
const elb = (what: string) => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:${what}`;
export const PROD_RULE = elb(
  'listener-rule/app/slipway-prod/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee',
);
export const TEST_RULE = elb(
  'listener-rule/app/slipway-prod/50dc6c495c0c9188/0467ef3c8400ae65/3a2e9dbbc6a1ad26',
);
export const GRAFANA_RULE = elb(
  'listener-rule/app/slipway-prod/50dc6c495c0c9188/f2f7dc8efc522ab2/77aa0b1c2d3e4f50',
);
export const BLUE = elb('targetgroup/slipway-prod-blue/73e2d6bc24d8a067');
export const GREEN = elb('targetgroup/slipway-prod-green/2453ed029918f21f');
export const OTHER_TG = elb('targetgroup/attacker/0000000000000000');
const SERVICE = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/slipway-prod/slipway-prod-web`;
const SERVICE_ID = 'service/slipway-prod/slipway-prod-web';

export const SERVICE_STACK = 'slipway-prod-service';
export const DATA_STACK = 'slipway-prod-data';
export const NETWORK_STACK = 'slipway-prod-network';

export function resource(
  logicalId: string,
  type: string,
  physicalId: string,
  status: string,
  props: { expected?: unknown; actual?: unknown; differences?: PropertyDifference[] } = {},
): StackResourceDrift {
  return {
    StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/x/1`,
    LogicalResourceId: logicalId,
    PhysicalResourceId: physicalId,
    ResourceType: type,
    StackResourceDriftStatus: status as StackResourceDrift['StackResourceDriftStatus'],
    ExpectedProperties: props.expected === undefined ? undefined : JSON.stringify(props.expected),
    ActualProperties: props.actual === undefined ? undefined : JSON.stringify(props.actual),
    PropertyDifferences: props.differences,
    Timestamp: new Date(0),
  };
}

export const diff = (
  path: string,
  expected: unknown,
  actual: unknown,
  type: 'NOT_EQUAL' | 'ADD' | 'REMOVE' = 'NOT_EQUAL',
): PropertyDifference => ({
  PropertyPath: path,
  ExpectedValue: typeof expected === 'string' ? expected : JSON.stringify(expected),
  ActualValue: typeof actual === 'string' ? actual : JSON.stringify(actual),
  DifferenceType: type,
});

export const weights = (blue: number, green: number) => [
  diff('/Actions/0/ForwardConfig/TargetGroups/0/Weight', 100, blue),
  diff('/Actions/0/ForwardConfig/TargetGroups/1/Weight', 0, green),
];

export const rule = (logicalId: string, arn: string, differences?: PropertyDifference[]) =>
  resource(
    logicalId,
    'AWS::ElasticLoadBalancingV2::ListenerRule',
    arn,
    differences ? 'MODIFIED' : 'IN_SYNC',
    {
      expected: {
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: BLUE, Weight: 100 },
                { TargetGroupArn: GREEN, Weight: 0 },
              ],
            },
          },
        ],
      },
      differences,
    },
  );

/** The ECS service; `native` hands the production and test rules to ECS (blue/green, canary, linear). */
export const ecsService = (options: { native: boolean; desired?: number }) =>
  resource(
    'WebServiceD04B5F3E',
    'AWS::ECS::Service',
    SERVICE,
    options.desired === undefined ? 'IN_SYNC' : 'MODIFIED',
    {
      expected: {
        DesiredCount: 1,
        LoadBalancers: [
          {
            ContainerName: 'app',
            ContainerPort: 3000,
            TargetGroupArn: BLUE,
            ...(options.native
              ? {
                  AdvancedConfiguration: {
                    AlternateTargetGroupArn: GREEN,
                    ProductionListenerRule: PROD_RULE,
                    TestListenerRule: TEST_RULE,
                    RoleArn: `arn:aws:iam::${ACCOUNT}:role/green`,
                  },
                }
              : {}),
          },
        ],
      },
      differences:
        options.desired === undefined ? undefined : [diff('/DesiredCount', '1', String(options.desired))],
    },
  );

const OFFICE_HOURS = [
  { ScheduledActionName: 'WebOfficeHoursStart', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 4 } },
  { ScheduledActionName: 'WebOfficeHoursStop', ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 } },
];

export const scalableTarget = (
  live: { min: number; max: number },
  schedule = true,
  differences?: PropertyDifference[],
) => {
  const expected = {
    ScalableDimension: 'ecs:service:DesiredCount',
    ResourceId: SERVICE_ID,
    ServiceNamespace: 'ecs',
    MinCapacity: 1,
    MaxCapacity: 4,
    ...(schedule ? { ScheduledActions: OFFICE_HOURS } : {}),
  };
  return resource(
    'WebServiceTaskCountTargetF7BAB0BC',
    'AWS::ApplicationAutoScaling::ScalableTarget',
    `${SERVICE_ID}|ecs:service:DesiredCount|ecs`,
    differences ? 'MODIFIED' : 'IN_SYNC',
    { expected, actual: { ...expected, MinCapacity: live.min, MaxCapacity: live.max }, differences },
  );
};

export const inSync = (n: number, prefix = 'Thing') =>
  Array.from({ length: n }, (_, i) =>
    resource(`${prefix}${i}`, 'AWS::SSM::Parameter', `/slipway/prod/${i}`, 'IN_SYNC'),
  );

/** A service stack after a blue/green deployment moved traffic to green and autoscaling ran. */
export const afterNativeDeploy = (): StackResourceDrift[] => [
  rule('WebProductionRule64DA67B6', PROD_RULE, weights(0, 100)),
  rule('WebTestRule9FBAE9EB', TEST_RULE, weights(0, 100)),
  ecsService({ native: true, desired: 3 }),
  scalableTarget({ min: 1, max: 4 }),
  ...inSync(5),
];

export const SECURITY_GROUP_OPENED = resource(
  'WebLoadBalancerSecurityGroupB2D6C7E1',
  'AWS::EC2::SecurityGroup',
  'sg-0123456789abcdef0',
  'MODIFIED',
  {
    differences: [
      diff(
        '/SecurityGroupIngress/2',
        'null',
        { CidrIp: '0.0.0.0/0', FromPort: 22, IpProtocol: 'tcp', ToPort: 22 },
        'ADD',
      ),
    ],
  },
);

export interface FakeStack {
  drifts?: StackResourceDrift[];
  /** Status answers in order; the last one repeats. @default one DETECTION_COMPLETE */
  statuses?: Partial<DescribeStackDriftDetectionStatusOutput>[];
  pageSize?: number;
  detectError?: Error;
  resourceDriftsError?: Error;
}

/** The drift calls over an in-memory account: stacks by name, a call log, failures on demand. */
export class FakeCloudFormation implements DriftApi {
  readonly calls: string[] = [];
  private readonly polls = new Map<string, number>();

  private readonly stacks: Record<string, FakeStack>;

  constructor(stacks: Record<string, FakeStack>) {
    this.stacks = stacks;
  }

  private stack(name: string | undefined): FakeStack {
    const stack = this.stacks[name ?? ''];
    if (!stack)
      throw Object.assign(new Error(`Stack with id ${name} does not exist`), { name: 'ValidationError' });
    return stack;
  }

  async detectStackDrift(input: { StackName: string | undefined }) {
    this.calls.push(`detect ${input.StackName}`);
    const stack = this.stack(input.StackName);
    if (stack.detectError) throw stack.detectError;
    return { StackDriftDetectionId: `det-${input.StackName}` };
  }

  async describeStackDriftDetectionStatus(input: { StackDriftDetectionId: string | undefined }) {
    const name = (input.StackDriftDetectionId ?? '').replace(/^det-/, '');
    this.calls.push(`status ${name}`);
    const stack = this.stack(name);
    const n = this.polls.get(name) ?? 0;
    this.polls.set(name, n + 1);
    const statuses = stack.statuses ?? [{ DetectionStatus: 'DETECTION_COMPLETE' }];
    const answer = statuses[Math.min(n, statuses.length - 1)] ?? {};
    const drifted = (stack.drifts ?? []).some((d) => d.StackResourceDriftStatus !== 'IN_SYNC');
    return {
      StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${name}/1`,
      StackDriftDetectionId: input.StackDriftDetectionId,
      Timestamp: new Date(0),
      StackDriftStatus:
        answer.DetectionStatus === 'DETECTION_COMPLETE' ? (drifted ? 'DRIFTED' : 'IN_SYNC') : undefined,
      ...answer,
    } as DescribeStackDriftDetectionStatusOutput;
  }

  async describeStackResourceDrifts(input: {
    StackName: string | undefined;
    NextToken?: string;
    MaxResults?: number;
  }) {
    this.calls.push(`drifts ${input.StackName} ${input.NextToken ?? '-'} ${input.MaxResults}`);
    const stack = this.stack(input.StackName);
    if (stack.resourceDriftsError) throw stack.resourceDriftsError;
    const all = stack.drifts ?? [];
    const size = Math.min(stack.pageSize ?? 100, input.MaxResults ?? 100);
    const start = input.NextToken ? Number(input.NextToken.replace('page-', '')) : 0;
    const end = start + size;
    return {
      StackResourceDrifts: all.slice(start, end),
      NextToken: end < all.length ? `page-${end}` : undefined,
    };
  }
}

/** A clock that only moves when the code under test sleeps: no wall-clock time in these tests. */
export function fakeClock() {
  let t = 1_000_000;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}
