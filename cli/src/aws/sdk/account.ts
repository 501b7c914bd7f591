import { type ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import {
  DescribeAccountAttributesCommand,
  DescribeAddressesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { AccountApi } from '../api.ts';
import { errorName } from './errors.ts';

/** Account-wide facts `slipway doctor` checks: Elastic IP quota, roles, certificates. */
export function accountApi(ec2: EC2Client, iam: IAMClient, acm: ACMClient): AccountApi {
  return {
    async elasticIps() {
      const attrs = await ec2.send(
        // The SDK's enum lists only default-vpc and supported-platforms; the API also answers vpc-max-elastic-ips.
        new DescribeAccountAttributesCommand({ AttributeNames: ['vpc-max-elastic-ips' as never] }),
      );
      const limit = Number(attrs.AccountAttributes?.[0]?.AttributeValues?.[0]?.AttributeValue ?? 5);
      const addresses = await ec2.send(new DescribeAddressesCommand({}));
      return { limit, allocated: addresses.Addresses?.length ?? 0 };
    },
    async roleExists(name) {
      try {
        await iam.send(new GetRoleCommand({ RoleName: name }));
        return true;
      } catch (e) {
        if (errorName(e) === 'NoSuchEntityException' || errorName(e) === 'NoSuchEntity') return false;
        throw e;
      }
    },
    async certificate(arn) {
      try {
        const out = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
        const c = out.Certificate;
        if (!c) return undefined;
        return {
          status: c.Status ?? 'UNKNOWN',
          notAfter: c.NotAfter,
          domains: c.SubjectAlternativeNames ?? (c.DomainName ? [c.DomainName] : []),
        };
      } catch (e) {
        if (errorName(e) === 'ResourceNotFoundException') return undefined;
        throw e;
      }
    },
  };
}
