import type { PriceTable } from '../pricing/index.ts';
import type { StackInfo } from '../synth/synthesize.ts';
import type { Resource, Template } from '../synth/template.ts';
import { type CostAssumptions, type CostEstimate, estimateCost } from './model.ts';

/**
 * The reference architecture many teams build by hand first: a VPC with two public
 * and two private subnets, a NAT gateway (and its Elastic IP) in each public subnet, an
 * internet-facing Application Load Balancer, the application and Grafana as one small Fargate
 * task each (0.25 vCPU / 0.5 GB, on-demand, x86: the usual dev sizing), Grafana's
 * files on EFS, and a single-AZ db.t4g.micro PostgreSQL with 20 GB of gp3 storage. Each task logs
 * to its own CloudWatch log group (30 days). Nothing else: no WAF, alarms, dashboards, KMS keys,
 * secrets or audit trail, so it is the floor of what the seeds describe, not a copy of Slipway.
 *
 * It is written as a CloudFormation template and priced by `estimateCost`, the function
 * `slipway plan` uses: the same price table, the same pricers and the same line items, with no
 * price of its own. Logical ids name the lines (`Fargate App`, `Fargate Grafana`).
 */
export const REFERENCE_COMPONENTS: readonly string[] = [
  '2 NAT gateways, one per public subnet, each with an Elastic IP',
  'Application Load Balancer, internet-facing, in the 2 public subnets',
  'Fargate: the app, 1 task × 0.25 vCPU / 0.5 GB, on-demand x86',
  'Fargate: Grafana, 1 task × 0.25 vCPU / 0.5 GB, on-demand x86',
  'EFS file system for Grafana',
  'RDS PostgreSQL db.t4g.micro, single-AZ, 20 GB gp3',
  'CloudWatch log group per task, 30 days retention',
];

const ref = (id: string) => ({ Ref: id });

function subnet(cidr: string, az: number, isPublic: boolean): Resource {
  return {
    Type: 'AWS::EC2::Subnet',
    Properties: {
      VpcId: ref('Vpc'),
      CidrBlock: cidr,
      AvailabilityZone: { 'Fn::Select': [az, { 'Fn::GetAZs': '' }] },
      MapPublicIpOnLaunch: isPublic,
    },
  };
}

function natGateway(n: number): Record<string, Resource> {
  return {
    [`NatIp${n}`]: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } },
    [`Nat${n}`]: {
      Type: 'AWS::EC2::NatGateway',
      Properties: {
        SubnetId: ref(`Public${n}`),
        AllocationId: { 'Fn::GetAtt': [`NatIp${n}`, 'AllocationId'] },
      },
    },
  };
}

/** One small Fargate service (task definition, service, log group), named by `name`. */
function fargateService(name: string, port: number): Record<string, Resource> {
  return {
    [`${name}Logs`]: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
    [`${name}Task`]: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        RequiresCompatibilities: ['FARGATE'],
        NetworkMode: 'awsvpc',
        Cpu: '256',
        Memory: '512',
        ContainerDefinitions: [
          {
            Name: name.toLowerCase(),
            PortMappings: [{ ContainerPort: port }],
            LogConfiguration: {
              LogDriver: 'awslogs',
              Options: { 'awslogs-group': ref(`${name}Logs`), 'awslogs-stream-prefix': name.toLowerCase() },
            },
          },
        ],
      },
    },
    [name]: {
      Type: 'AWS::ECS::Service',
      Properties: {
        Cluster: ref('Cluster'),
        TaskDefinition: ref(`${name}Task`),
        LaunchType: 'FARGATE',
        DesiredCount: 1,
        NetworkConfiguration: {
          AwsvpcConfiguration: { AssignPublicIp: 'DISABLED', Subnets: [ref('Private1'), ref('Private2')] },
        },
      },
    },
  };
}

/** The reference architecture as one CloudFormation template (only what the cost model reads). */
export function referenceTemplate(): Template {
  return {
    Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      Public1: subnet('10.0.0.0/24', 0, true),
      Public2: subnet('10.0.1.0/24', 1, true),
      Private1: subnet('10.0.2.0/24', 0, false),
      Private2: subnet('10.0.3.0/24', 1, false),
      ...natGateway(1),
      ...natGateway(2),
      LoadBalancer: {
        Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        Properties: {
          Type: 'application',
          Scheme: 'internet-facing',
          Subnets: [ref('Public1'), ref('Public2')],
        },
      },
      Cluster: { Type: 'AWS::ECS::Cluster' },
      ...fargateService('App', 8080),
      ...fargateService('Grafana', 3000),
      GrafanaFiles: { Type: 'AWS::EFS::FileSystem', Properties: { Encrypted: true } },
      Database: {
        Type: 'AWS::RDS::DBInstance',
        Properties: {
          Engine: 'postgres',
          DBInstanceClass: 'db.t4g.micro',
          MultiAZ: false,
          AllocatedStorage: '20',
          StorageType: 'gp3',
        },
      },
    },
  };
}

/**
 * The monthly cost of the reference architecture in `region`, itemized like `slipway plan`
 * (lines that add up to `total`, the price table's date and source, the usage assumptions).
 * @param options.assumptions usage assumptions to override (@default DEFAULT_ASSUMPTIONS, as plan)
 * @param options.prices a price table to use instead of the region's committed one
 */
export function referenceArchitectureCost(
  region: string,
  options: { assumptions?: Partial<CostAssumptions>; prices?: PriceTable } = {},
): CostEstimate {
  const stack: StackInfo = {
    stackName: 'reference',
    environment: 'reference',
    account: '000000000000',
    region,
    template: referenceTemplate(),
    templatePath: '',
    constructPath: 'reference',
    dependencies: [],
    terminationProtection: false,
  };
  return estimateCost([stack], { region, ...options });
}
