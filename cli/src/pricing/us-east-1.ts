import type { PriceTable } from './types.ts';

/**
 * us-east-1 (N. Virginia). Public on-demand list prices, USD, transcribed 2026-11-01 from the AWS
 * pricing pages named per line (aws.amazon.com/<service>/pricing). Not fetched at run time and
 * not re-checked on the machine that wrote them (it has no internet access): re-check against
 * the AWS Pricing Calculator before quoting a number to anyone.
 */
export const US_EAST_1: PriceTable = {
  region: 'us-east-1',
  asOf: '2026-11-01',
  source: 'AWS public pricing pages (on-demand, Linux, USD), transcribed by hand',
  hoursPerMonth: 730,
  prices: {
    natGatewayHour: 0.045, // vpc/pricing: NAT gateway hour
    natGatewayGiB: 0.045, // vpc/pricing: NAT gateway data processed
    albHour: 0.0225, // elasticloadbalancing/pricing: ALB hour
    albLcuHour: 0.008, // elasticloadbalancing/pricing: ALB LCU-hour
    fargateVcpuHour: { X86_64: 0.04048, ARM64: 0.03238 }, // fargate/pricing: Linux per vCPU-hour
    fargateGbHour: { X86_64: 0.004445, ARM64: 0.00356 }, // fargate/pricing: Linux per GB-hour
    fargateSpotFactor: 0.3, // fargate/pricing: "up to 70% off"; Spot floats, 0.3 is its usual level
    ec2Hour: {
      // ec2/pricing/on-demand: Linux
      't4g.nano': 0.0042,
      't4g.micro': 0.0084,
      't4g.small': 0.0168,
      't3.nano': 0.0052,
      't3.micro': 0.0104,
    },
    ebsGp3GbMonth: 0.08, // ebs/pricing: gp3 storage
    rdsPostgresHour: {
      // rds/postgresql/pricing: single-AZ on-demand
      'db.t4g.micro': 0.016,
      'db.t4g.small': 0.032,
      'db.t4g.medium': 0.065,
      'db.t4g.large': 0.129,
      'db.m7g.large': 0.168,
    },
    rdsMultiAzFactor: 2, // rds/postgresql/pricing: Multi-AZ (one standby) lists twice the single-AZ price
    rdsGp3GbMonth: 0.115, // rds/postgresql/pricing: gp3 storage, single-AZ
    rdsSnapshotGbMonth: 0.095, // rds/postgresql/pricing: backup storage beyond the database's size
    efsStandardGbMonth: 0.3, // efs/pricing: Standard storage
    cloudWatchAlarmMonth: 0.1, // cloudwatch/pricing: standard-resolution alarm metric
    cloudWatchDashboardMonth: 3, // cloudwatch/pricing: dashboard
    logsIngestGb: 0.5, // cloudwatch/pricing: Logs standard ingestion
    logsStorageGbMonth: 0.03, // cloudwatch/pricing: Logs archived storage
    secretMonth: 0.4, // secrets-manager/pricing
    publicIpv4Hour: 0.005, // vpc/pricing: public IPv4 address
    wafWebAclMonth: 5, // waf/pricing
    wafRuleMonth: 1, // waf/pricing
    wafMillionRequests: 0.6, // waf/pricing
    cloudFrontGbOut: 0.085, // cloudfront/pricing: North America and Europe edge locations, first 10 TB
    cloudFrontMillionHttpsRequests: 1, // cloudfront/pricing: HTTPS, $0.0100 per 10,000
    kmsKeyMonth: 1, // kms/pricing
    hostedZoneMonth: 0.5, // route53/pricing: first 25 hosted zones
    cloudMapInstanceMonth: 0.1, // cloud-map/pricing: registered resource
    interfaceEndpointHour: 0.01, // privatelink/pricing: per endpoint per AZ
    ecrGbMonth: 0.1, // ecr/pricing
    interRegionTransferGb: 0.02, // ec2/pricing/on-demand: data transfer out to another AWS region
    s3GbMonth: 0.023, // s3/pricing: Standard, first 50 TB
    cloudTrailFirstTrail: 0, // cloudtrail/pricing: first copy of management events free
  },
  // Fargate Spot floats with demand; the factor is the typical level, not a list price.
  estimates: ['fargateSpotFactor'],
};
