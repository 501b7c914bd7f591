/**
 * Types with no charge of their own (their cost shows up elsewhere, or they are free), with why.
 * Anything neither priced nor listed here is reported as unpriced.
 */
const NO_CHARGE: Readonly<Record<string, string>> = {
  'AWS::EC2::VPC': 'free',
  'AWS::EC2::Subnet': 'free',
  'AWS::EC2::RouteTable': 'free',
  'AWS::EC2::SubnetRouteTableAssociation': 'free',
  'AWS::EC2::Route': 'free',
  'AWS::EC2::InternetGateway': 'free (data transfer out is usage)',
  'AWS::EC2::VPCGatewayAttachment': 'free',
  'AWS::EC2::SecurityGroup': 'free',
  'AWS::EC2::SecurityGroupIngress': 'free',
  'AWS::EC2::SecurityGroupEgress': 'free',
  'AWS::EC2::NetworkAcl': 'free',
  'AWS::EC2::NetworkAclEntry': 'free',
  'AWS::EC2::SubnetNetworkAclAssociation': 'free',
  'AWS::EC2::FlowLog': 'priced as CloudWatch Logs ingestion',
  'AWS::EC2::EIP': 'priced as a public IPv4 address',
  'AWS::EC2::LaunchTemplate': 'free',
  'AWS::SSM::Parameter': 'standard tier: free',
  'AWS::ECS::Cluster': 'free (tasks are priced)',
  'AWS::ECS::ClusterCapacityProviderAssociations': 'free',
  'AWS::ECS::TaskDefinition': 'free (tasks are priced)',
  'AWS::ElasticLoadBalancingV2::Listener': 'included in the load balancer',
  'AWS::ElasticLoadBalancingV2::ListenerRule': 'included in the load balancer',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'included in the load balancer',
  'AWS::ApplicationAutoScaling::ScalableTarget': 'free',
  'AWS::ApplicationAutoScaling::ScalingPolicy': 'free (its alarms are managed by AWS at no charge)',
  'AWS::Lambda::Function': 'deploy-time and scheduled invocations only: inside the free tier',
  'AWS::Lambda::Permission': 'free',
  'AWS::Lambda::EventInvokeConfig': 'free',
  'AWS::Events::Rule': 'free for AWS service events and schedules',
  'AWS::SNS::Topic': 'first million publishes free',
  'AWS::SNS::TopicPolicy': 'free',
  'AWS::SNS::Subscription': 'first 1,000 emails free',
  'AWS::S3::BucketPolicy': 'free',
  'AWS::RDS::DBParameterGroup': 'free',
  'AWS::RDS::DBSubnetGroup': 'free',
  'AWS::SecretsManager::SecretTargetAttachment': 'free',
  'AWS::SecretsManager::RotationSchedule': 'rotation Lambda: inside the free tier',
  'AWS::SecretsManager::ResourcePolicy': 'free',
  'AWS::Serverless::Application':
    'the rotation function (AWS Serverless Application Repository): a few invocations a month, inside the Lambda free tier',
  'AWS::EFS::MountTarget': 'free',
  'AWS::EFS::AccessPoint': 'free',
  'AWS::WAFv2::WebACLAssociation': 'free',
  'AWS::WAFv2::LoggingConfiguration': 'priced as CloudWatch Logs ingestion',
  'AWS::KMS::Alias': 'free',
  'AWS::CloudFront::VpcOrigin': 'free (VPC origins have no charge of their own; the distribution is priced)',
  'AWS::CertificateManager::Certificate': 'public ACM certificates are free',
  'AWS::Route53::RecordSet':
    "alias queries to CloudFront are free; the hosted zone is the user's own ($0.50 a month, outside the environment)",
  'AWS::ECR::RegistryPolicy': 'free',
  'AWS::CDK::Metadata': 'not a resource',
  'AWS::CloudFormation::CustomResource': 'deploy-time Lambda invocation',
  'AWS::CloudFormation::WaitConditionHandle': 'free',
  'AWS::Scheduler::Schedule':
    'office hours and job schedules: about 30 invocations a month each, at $1.00 per million invocations: under a cent',
  'AWS::SQS::Queue':
    "$0.40 per million requests after the first million a month: a worker's 20 s long polls are about 130,000 requests per running task-month (about $0.05), and a queue with no consumer costs nothing",
  'AWS::SQS::QueuePolicy': 'free',
  'AWS::StepFunctions::StateMachine':
    "a job's runs: about 10 state transitions each at $0.025 per 1,000, a daily job under a cent a month; the task it starts is billed per second while it runs (a one-minute daily run on 0.25 vCPU Spot: under a cent)",
};

/** Why a type costs nothing of its own, or undefined when it should be priced. */
export function noCharge(type: string): string | undefined {
  if (type.startsWith('AWS::IAM::')) return 'IAM is free';
  if (type.startsWith('Custom::')) return 'deploy-time Lambda invocation';
  return NO_CHARGE[type];
}
