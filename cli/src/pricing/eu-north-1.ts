import type { PriceTable } from './types.ts';

/**
 * eu-north-1 (Stockholm), for configs that move there. Public on-demand list prices, USD,
 * 2026-11-01. Region-independent prices are transcribed from the AWS pricing pages; the rest are
 * ESTIMATES, us-east-1 × 1.06 (Stockholm's typical premium), listed in `estimates`. Never fetched
 * at run time; replace estimates with the AWS Pricing Calculator's figures when you have them.
 */
const FACTOR = 1.06;
const e = (usEast1: number) => Math.round(usEast1 * FACTOR * 1e6) / 1e6;

export const EU_NORTH_1: PriceTable = {
  region: 'eu-north-1',
  asOf: '2026-11-01',
  source:
    'AWS public pricing pages (on-demand, Linux, USD), transcribed by hand; ESTIMATE lines = us-east-1 × 1.06',
  hoursPerMonth: 730,
  prices: {
    natGatewayHour: e(0.045), // ESTIMATE
    natGatewayGiB: e(0.045), // ESTIMATE
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
      't3.micro': e(0.0104), // ESTIMATE
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
    cloudWatchAlarmMonth: 0.1, // cloudwatch/pricing: same as us-east-1 in the EU regions
    cloudWatchDashboardMonth: 3, // cloudwatch/pricing: same in every region
    logsIngestGb: e(0.5), // ESTIMATE
    logsStorageGbMonth: e(0.03), // ESTIMATE
    secretMonth: 0.4, // secrets-manager/pricing: same in every region
    publicIpv4Hour: 0.005, // vpc/pricing: same in every region
    wafWebAclMonth: 5, // waf/pricing
    wafRuleMonth: 1, // waf/pricing
    wafMillionRequests: 0.6, // waf/pricing
    cloudFrontGbOut: 0.085, // cloudfront/pricing: North America and Europe edge locations, first 10 TB
    cloudFrontMillionHttpsRequests: 1, // cloudfront/pricing: HTTPS, $0.0100 per 10,000
    kmsKeyMonth: 1, // kms/pricing
    hostedZoneMonth: 0.5, // route53/pricing: global
    cloudMapInstanceMonth: 0.1, // cloud-map/pricing
    interfaceEndpointHour: e(0.01), // ESTIMATE
    ecrGbMonth: e(0.1), // ESTIMATE
    interRegionTransferGb: 0.02, // ec2/pricing/on-demand: data transfer out to another AWS region (Europe)
    s3GbMonth: e(0.023), // ESTIMATE
    cloudTrailFirstTrail: 0, // cloudtrail/pricing
  },
  estimates: [
    'natGatewayHour',
    'natGatewayGiB',
    'albHour',
    'albLcuHour',
    'fargateVcpuHour',
    'fargateGbHour',
    'fargateSpotFactor',
    'ec2Hour',
    'ebsGp3GbMonth',
    'rdsPostgresHour',
    'rdsGp3GbMonth',
    'rdsSnapshotGbMonth',
    'efsStandardGbMonth',
    'logsIngestGb',
    'logsStorageGbMonth',
    'interfaceEndpointHour',
    'ecrGbMonth',
    's3GbMonth',
  ],
};
