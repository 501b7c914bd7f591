import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AuditTrail } from '../constructs/trail/index.ts';

export interface AuditStackProps extends StackProps {
  /** The app name: the trail is `<app>-audit`. */
  readonly appName: string;
  /** Environments that live in this account (for the description and tags only). */
  readonly environments: string[];
  /** `audit` of the config: retention of the trail's files and of its CloudWatch Logs copy. */
  readonly audit: { readonly retentionDays: number; readonly logRetentionDays: number };
}

/**
 * The account-level audit layer: one CloudTrail trail per AWS account, deployed in the
 * account's home region and covering every region, however many environments share the account.
 * Its data is evidence, so it is always retained when the stack is deleted.
 */
export class AuditStack extends Stack {
  readonly trail: AuditTrail;

  constructor(scope: Construct, id: string, props: AuditStackProps) {
    super(scope, id, props);
    this.trail = new AuditTrail(this, 'Trail', {
      trailName: `${props.appName}-audit`,
      retentionDays: props.audit.retentionDays,
      logRetentionDays: props.audit.logRetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
