/**
 * A dated price table for one region: public on-demand list prices in USD, never fetched at run
 * time. One file per region the shipped config uses (plus eu-north-1), each stating its date and
 * source; prices the author could not transcribe for the region are marked as estimates (the
 * `estimates` list) and the plan output says how many lines rest on them.
 */
export interface PriceTable {
  readonly region: string;
  /** When the numbers were transcribed (ISO date). */
  readonly asOf: string;
  /** Where they come from. */
  readonly source: string;
  /** Hours in a billing month, as AWS's calculator uses (365 × 24 / 12). */
  readonly hoursPerMonth: 730;
  readonly prices: Prices;
  /** Keys of `prices` (dotted for nested maps) that are estimates rather than transcribed list prices. */
  readonly estimates: readonly string[];
}

export interface Prices {
  /** NAT gateway, per gateway-hour. */
  readonly natGatewayHour: number;
  /** NAT gateway data processing, per GiB. */
  readonly natGatewayGiB: number;
  /** Application Load Balancer, per ALB-hour. */
  readonly albHour: number;
  /** Application Load Balancer capacity, per LCU-hour. */
  readonly albLcuHour: number;
  /** Fargate (Linux), per vCPU-hour, by CPU architecture. */
  readonly fargateVcpuHour: { readonly X86_64: number; readonly ARM64: number };
  /** Fargate (Linux), per GB-hour of memory. */
  readonly fargateGbHour: { readonly X86_64: number; readonly ARM64: number };
  /** Fargate Spot price as a fraction of on-demand (Spot prices float; this is the typical level). */
  readonly fargateSpotFactor: number;
  /** EC2 on-demand Linux, per instance-hour. */
  readonly ec2Hour: Readonly<Record<string, number>>;
  /** EBS gp3, per GB-month. */
  readonly ebsGp3GbMonth: number;
  /** RDS for PostgreSQL, single-AZ, per instance-hour, by instance class. */
  readonly rdsPostgresHour: Readonly<Record<string, number>>;
  /** Multi-AZ (one standby) multiplies instance and storage prices by this. */
  readonly rdsMultiAzFactor: number;
  /** RDS gp3 storage, single-AZ, per GB-month. */
  readonly rdsGp3GbMonth: number;
  /** RDS backup storage beyond the free allowance (a snapshot kept after its instance is deleted), per GB-month. */
  readonly rdsSnapshotGbMonth: number;
  /** EFS Standard storage, per GB-month. */
  readonly efsStandardGbMonth: number;
  /** CloudWatch standard-resolution alarm, per alarm-month. */
  readonly cloudWatchAlarmMonth: number;
  /** CloudWatch dashboard, per dashboard-month (beyond the free three per account; not applied). */
  readonly cloudWatchDashboardMonth: number;
  /** CloudWatch Logs ingestion (standard class), per GB. */
  readonly logsIngestGb: number;
  /** CloudWatch Logs storage, per GB-month. */
  readonly logsStorageGbMonth: number;
  /** Secrets Manager, per secret-month. */
  readonly secretMonth: number;
  /** Public IPv4 address (in use or idle), per address-hour. */
  readonly publicIpv4Hour: number;
  /** WAF web ACL, per ACL-month. */
  readonly wafWebAclMonth: number;
  /** WAF rule (a managed rule group counts as one), per rule-month. */
  readonly wafRuleMonth: number;
  /** WAF requests, per million. */
  readonly wafMillionRequests: number;
  /**
   * CloudFront data transfer out to viewers, per GB (first 10 TB). Priced by where the viewers
   * are, not by the origin's region: each table uses the edge prices of the region's own continent.
   */
  readonly cloudFrontGbOut: number;
  /** CloudFront HTTPS requests, per million (same continent rule). */
  readonly cloudFrontMillionHttpsRequests: number;
  /** KMS customer managed key, per key-month. */
  readonly kmsKeyMonth: number;
  /** Route 53 hosted zone (Cloud Map private DNS namespaces create one), per zone-month. */
  readonly hostedZoneMonth: number;
  /** Cloud Map registered instance, per instance-month. */
  readonly cloudMapInstanceMonth: number;
  /** Interface VPC endpoint, per endpoint-AZ-hour. */
  readonly interfaceEndpointHour: number;
  /** ECR storage, per GB-month. */
  readonly ecrGbMonth: number;
  /** Data transfer out of this region to another AWS region (ECR replication), per GB. */
  readonly interRegionTransferGb: number;
  /** S3 Standard storage, per GB-month. */
  readonly s3GbMonth: number;
  /** CloudTrail: the first copy of management events is free; per 100,000 events for further copies. */
  readonly cloudTrailFirstTrail: 0;
}
