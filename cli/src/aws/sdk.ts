import { ACMClient } from '@aws-sdk/client-acm';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { logsAuditApi } from '../audit/logs.ts';
import { ssmLockApi } from '../lock/ssm.ts';
import type { AwsApis, AwsFactory, TemporaryCredentials } from './api.ts';
import { accountApi } from './sdk/account.ts';
import { cloudFormationApi } from './sdk/cloudformation.ts';
import { ecrApi } from './sdk/ecr.ts';
import { ecsApi } from './sdk/ecs.ts';
import { elbv2Api } from './sdk/elbv2.ts';
import { logsApi } from './sdk/logs.ts';
import { officeHoursApi } from './sdk/office-hours.ts';
import { stepFunctionsApi } from './sdk/sfn.ts';
import { ssmApi } from './sdk/ssm.ts';
import { stsApi } from './sdk/sts.ts';

/**
 * The AWS SDK v3 implementation of the CLI's AWS interfaces, one module per service under sdk/.
 * Endpoints and credentials come from the standard chain (`AWS_PROFILE`, SSO, OIDC web identity,
 * `AWS_ENDPOINT_URL` for moto_server).
 */
export const sdkFactory: AwsFactory = (region: string, credentials?: TemporaryCredentials): AwsApis => {
  const config = { region, ...(credentials ? { credentials } : {}) };
  // One EC2 client serves both the account checks and office hours.
  const ec2 = new EC2Client(config);
  const ssm = new SSMClient(config);
  const logs = new CloudWatchLogsClient(config);
  return {
    region,
    cloudFormation: cloudFormationApi(new CloudFormationClient(config)),
    ssm: ssmApi(ssm),
    ecr: ecrApi(new ECRClient(config)),
    ecs: ecsApi(new ECSClient(config)),
    elbv2: elbv2Api(new ElasticLoadBalancingV2Client(config)),
    logs: logsApi(logs),
    stepFunctions: stepFunctionsApi(new SFNClient(config)),
    sts: stsApi(new STSClient(config)),
    account: accountApi(ec2, new IAMClient(config), new ACMClient(config)),
    officeHours: officeHoursApi(new RDSClient(config), ec2, new ApplicationAutoScalingClient(config)),
    lock: ssmLockApi(ssm),
    audit: logsAuditApi(logs),
  };
};
