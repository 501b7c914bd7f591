import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one policy finding on one construct, with the reason it is acceptable: the one way
 * findings are accepted, for cdk-nag and the Control Tower controls alike. Keep the scope as narrow
 * as the finding allows (the resource, not the stack) and the id as specific as possible
 * (`AwsSolutions-IAM5[Resource::*]`, not `AwsSolutions-IAM5`; `control-tower::CT.S3.PR.2`).
 */
export function acknowledge(scope: IConstruct, id: string, reason: string) {
  if (reason.trim().length < 20) throw new Error(`acknowledge(${id}): give a real reason, got "${reason}"`);
  Validations.of(scope).acknowledge({ id, reason });
}
