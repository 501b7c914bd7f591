/**
 * Regions where CloudFront VPC origins can reach a VPC, from the CloudFront Developer Guide,
 * "Restrict access with VPC origins" → "Supported AWS Regions for VPC origins", checked 2026-12.
 * Every environment's load balancer is a VPC origin, so every region Slipway accepts
 * (`./regions.ts`) must be listed here: a test keeps the two in step. The guide also excludes a
 * few zones by zone id (use1-az3, usw1-az2, apne1-az3, cac1-az3); zone ids map to names per
 * account, so a synth cannot see them.
 */
export const VPC_ORIGIN_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-south-1',
  'eu-south-2',
  'eu-north-1',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'mx-central-1',
  'sa-east-1',
];
