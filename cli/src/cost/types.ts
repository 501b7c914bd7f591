/**
 * Usage the templates cannot tell: named, stated in the output, overridable. Chosen for a small
 * service with light traffic; a busy service costs more in LCUs, NAT data, logs and WAF requests.
 */
export interface CostAssumptions {
  /** Average load balancer capacity units consumed per hour (0.2 ≈ 5 new connections/s or 0.2 GB/h). */
  readonly albLcu: number;
  /** Data processed per NAT gateway per month, GiB (image pulls go through it unless an endpoint exists). */
  readonly natGiBPerGatewayMonth: number;
  /** Application logs ingested per running task per month, GiB. */
  readonly logGiBPerTaskMonth: number;
  /** VPC flow logs ingested per VPC per month, GiB. */
  readonly flowLogGiBMonth: number;
  /** WAF logs ingested per web ACL per month, GiB. */
  readonly wafLogGiBMonth: number;
  /** CloudTrail events delivered to CloudWatch Logs per trail per month, GiB. */
  readonly trailLogGiBMonth: number;
  /** Requests inspected by WAF per month, millions. */
  readonly wafMillionRequestsMonth: number;
  /** Data CloudFront sends to viewers per distribution per month, GiB. */
  readonly cloudFrontGiBMonth: number;
  /** HTTPS requests CloudFront answers per distribution per month, millions. */
  readonly cloudFrontMillionRequestsMonth: number;
  /** Data stored per EFS file system (pgAdmin's SQLite database, and Grafana's without PostgreSQL), GiB. */
  readonly efsGiB: number;
  /** Images stored per ECR repository, GiB. */
  readonly ecrGiB: number;
  /**
   * Images pushed per repository per month (builds of main and dev, about three a working day);
   * with `registry.replication` each is copied to every replica.
   */
  readonly imagePushesMonth: number;
  /**
   * Data one push copies to a replica, GiB: the image's new layers (replication copies only the
   * layers a destination lacks; a code change rebuilds the top layers, not the base image).
   */
  readonly imagePushGiB: number;
  /** Objects stored per S3 bucket (access logs, trail), GiB. */
  readonly s3GiB: number;
  /** Retention assumed for log groups that never expire, months. */
  readonly neverExpireLogMonths: number;
  /**
   * Size of one RDS Enhanced Monitoring sample (OS metrics and the process list, JSON) written to
   * CloudWatch Logs, KiB: a small PostgreSQL instance writes a few KiB per sample.
   */
  readonly rdsMonitoringKiBPerSample: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
  albLcu: 0.2,
  natGiBPerGatewayMonth: 5,
  logGiBPerTaskMonth: 1,
  flowLogGiBMonth: 1,
  wafLogGiBMonth: 0.5,
  trailLogGiBMonth: 0.5,
  wafMillionRequestsMonth: 1,
  cloudFrontGiBMonth: 5,
  cloudFrontMillionRequestsMonth: 1,
  efsGiB: 1,
  ecrGiB: 2,
  imagePushesMonth: 60,
  imagePushGiB: 0.25,
  s3GiB: 1,
  neverExpireLogMonths: 12,
  rdsMonitoringKiBPerSample: 3,
};

/** One line of the estimate. */
export interface CostLine {
  readonly stack: string;
  /** The service the priced resources belong to (by construct path); undefined: the stack's layer. */
  readonly service?: string;
  /** What is priced, e.g. `NAT instance t4g.nano`. */
  readonly item: string;
  /** The CloudFormation type the line derives from. */
  readonly resourceType: string;
  /** How the number was reached, e.g. `1 × 730 h × $0.0042`. */
  readonly detail: string;
  /** Monthly cost, USD, rounded to cents. */
  readonly monthly: number;
  /** The line uses a price the table marks as an estimate. */
  readonly estimatedPrice: boolean;
  /** The line depends on a usage assumption (named in `assumption`). */
  readonly assumption?: keyof CostAssumptions;
}

export interface Unpriced {
  readonly resourceType: string;
  readonly count: number;
  readonly stacks: string[];
  readonly reason: string;
}

export interface CostEstimate {
  readonly region: string;
  readonly currency: 'USD';
  readonly lines: CostLine[];
  /** Sum of the lines (each rounded to cents first, so the lines add up to exactly this). */
  readonly total: number;
  /** Each service's share of the total (its lines' sum), in declaration order; empty without services. */
  readonly services: { readonly name: string; readonly type: string; readonly monthly: number }[];
  /** Resources of a type the model has no price for (never silently ignored). */
  readonly unpriced: Unpriced[];
  readonly assumptions: CostAssumptions;
  readonly priceTable: { readonly region: string; readonly asOf: string; readonly source: string };
  /** Share of the total that rests on estimated (not transcribed) prices, 0..1. */
  readonly estimatedShare: number;
}

/**
 * Types with no charge of their own (their cost shows up elsewhere, or they are free), with why.
 * Anything neither priced nor listed here is reported as unpriced.
 */
