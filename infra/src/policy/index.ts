import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * The policy rung of the verification ladder, on every synth: cdk-nag's AWS Solutions pack as a
 * CDK validation plugin. CDK's built-in CloudFormation validation runs as well (cdk.json sets
 * `@aws-cdk/core:validateAgainstDefaultRules`, making its findings errors).
 */
export function applyPolicies(app: App) {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/**
 * Acknowledges one cdk-nag finding on one construct, with the reason it is acceptable. Keep the
 * scope as narrow as the finding allows (the resource, not the stack) and the id as specific as
 * possible (`AwsSolutions-IAM5[Resource::*]`, not `AwsSolutions-IAM5`).
 */
export function acknowledge(scope: IConstruct, id: string, reason: string) {
  if (reason.trim().length < 20) throw new Error(`acknowledge(${id}): give a real reason, got "${reason}"`);
  Validations.of(scope).acknowledge({ id, reason });
}
