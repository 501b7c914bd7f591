import { type BootstrapRoleKind, bootstrapRoleName } from '@slipway/config/contract';
import { Aws } from 'aws-cdk-lib';

/** An environment (or the `pr-*` previews) the deploy role may reach, with its resource-name prefix. */
export interface DeployTarget {
  readonly name: string;
  /** `<app>-<env>`, or `<app>-pr-*` for the previews. */
  readonly prefix: string;
  readonly region: string;
  readonly officeHours?: boolean;
}

/** Builds ARNs in one account: the CI roles' policies are all scoped to their own account. */
export class AccountArns {
  /** The account (a token when the stack is environment-agnostic). */
  readonly account: string;
  /** CDK bootstrap qualifier of the account's bootstrap stacks. */
  readonly qualifier: string;

  constructor(account: string, qualifier: string) {
    this.account = account;
    this.qualifier = qualifier;
  }

  /** `arn:<partition>:<service>:<region>:<account>:<resource>`; pass a partition to get it as cdk-nag prints it. */
  arn(service: string, region: string, resource: string, partition: string = Aws.PARTITION): string {
    return `arn:${partition}:${service}:${region}:${this.account}:${resource}`;
  }

  /** The CDK bootstrap roles of these kinds in each region. */
  bootstrapRoles(kinds: BootstrapRoleKind[], regions: string[]): string[] {
    return regions.flatMap((region) =>
      kinds.map(
        (kind) =>
          `arn:${Aws.PARTITION}:iam::${this.account}:role/${bootstrapRoleName(kind, this.account, region, this.qualifier)}`,
      ),
    );
  }
}

export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
