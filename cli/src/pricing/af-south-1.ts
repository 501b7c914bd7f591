import type { PriceTable } from './types.ts';

/**
 * af-south-1 (Cape Town). Public on-demand list prices, USD, 2026-11-01. Prices that are the
 * same in every commercial region (Secrets Manager, public IPv4, WAF, KMS, Route 53, Cloud Map,
 * CloudWatch dashboards) are transcribed from the AWS pricing pages; NAT gateway prices likewise.
 * The author had no af-south-1 figure at hand for the rest and derived them as us-east-1 × 1.3
 * (Cape Town's typical premium, e.g. EC2 t3.micro 0.0136 vs 0.0104): those are listed in
 * `estimates` and the plan says how much of the total rests on them. Replace them with the
 * figures of the AWS Pricing Calculator when you have them; never fetched at run time.
 */
const FACTOR = 1.3;
const e = (usEast1: number) => Math.round(usEast1 * FACTOR * 1e6) / 1e6;

export const AF_SOUTH_1: PriceTable = {
  region: 'af-south-1',
  asOf: '2026-11-01',
  source:
    'AWS public pricing pages (on-demand, Linux, USD), transcribed by hand; ESTIMATE lines = us-east-1 × 1.3',
  hoursPerMonth: 730,
  prices: {
    natGatewayHour: 0.06, // vpc/pricing: NAT gateway hour, Cape Town
    natGatewayGiB: 0.06, // vpc/pricing: NAT gateway data processed, Cape Town
    albHour: e(0.0225), // ESTIMATE
    albLcuHour: e(0.008), // ESTIMATE
    fargateVcpuHour: { X86_64: e(0.04048), ARM64: e(0.03238) }, // ESTIMATE
    fargateGbHour: { X86_64: e(0.004445), ARM64: e(0.00356) }, // ESTIMATE
    fargateSpotFactor: 0.3, // ESTIMATE: Spot floats
    ec2Hour: {
      't4g.nano': e(0.0042), // ESTIMATE
      't4g.micro': e(0.0084), // ESTIMATE
      't4g.small': e(0.0168), // ESTIMATE
      't3.nano': e(0.0052), // ESTIMATE
      't3.micro': 0.0136, // ec2/pricing/on-demand: Cape Town
    },
    ebsGp3GbMonth: e(0.08), // ESTIMATE
    rdsPostgresHour: {
      'db.t4g.micro': e(0.016), // ESTIMATE
      'db.t4g.small': e(0.032), // ESTIMATE
      'db.t4g.medium': e(0.065), // ESTIMATE
      'db.t4g.large': e(0.129), // ESTIMATE
      'db.m7g.large': e(0.168), // ESTIMATE
    },
    rdsMultiAzFactor: 2, // rds/postgresql/pricing: Multi-AZ lists twice the single-AZ price
    rdsGp3GbMonth: e(0.115), // ESTIMATE
    rdsSnapshotGbMonth: e(0.095), // ESTIMATE
    efsStandardGbMonth: e(0.3), // ESTIMATE
    cloudWatchAlarmMonth: e(0.1), // ESTIMATE
    cloudWatchDashboardMonth: 3, // cloudwatch/pricing: same in every region
    logsIngestGb: e(0.5), // ESTIMATE
    logsStorageGbMonth: e(0.03), // ESTIMATE
    secretMonth: 0.4, // secrets-manager/pricing: same in every region
    publicIpv4Hour: 0.005, // vpc/pricing: same in every region
    wafWebAclMonth: 5, // waf/pricing: same in every region
    wafRuleMonth: 1, // waf/pricing
    wafMillionRequests: 0.6, // waf/pricing
    cloudFrontGbOut: 0.11, // ESTIMATE: cloudfront/pricing, South Africa edge locations
    cloudFrontMillionHttpsRequests: 2.2, // ESTIMATE: cloudfront/pricing, South Africa, $0.0220 per 10,000
    kmsKeyMonth: 1, // kms/pricing: same in every region
    hostedZoneMonth: 0.5, // route53/pricing: global
    cloudMapInstanceMonth: 0.1, // cloud-map/pricing
    interfaceEndpointHour: e(0.01), // ESTIMATE
    ecrGbMonth: e(0.1), // ESTIMATE
    interRegionTransferGb: 0.147, // ESTIMATE: ec2/pricing/on-demand, Cape Town out to another AWS region
    s3GbMonth: e(0.023), // ESTIMATE
    cloudTrailFirstTrail: 0, // cloudtrail/pricing: first copy of management events free
  },
  estimates: [
    'cloudFrontGbOut',
    'cloudFrontMillionHttpsRequests',
    'albHour',
    'albLcuHour',
    'fargateVcpuHour',
    'fargateGbHour',
    'fargateSpotFactor',
    'ec2Hour.t4g.nano',
    'ec2Hour.t4g.micro',
    'ec2Hour.t4g.small',
    'ec2Hour.t3.nano',
    'ebsGp3GbMonth',
    'rdsPostgresHour',
    'rdsGp3GbMonth',
    'rdsSnapshotGbMonth',
    'efsStandardGbMonth',
    'cloudWatchAlarmMonth',
    'logsIngestGb',
    'logsStorageGbMonth',
    'interfaceEndpointHour',
    'ecrGbMonth',
    'interRegionTransferGb',
    's3GbMonth',
  ],
};
