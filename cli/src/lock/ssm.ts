import { DeleteParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { errorName } from '../aws/sdk/errors.ts';
import { ssmApi } from '../aws/sdk/ssm.ts';
import type { LockApi } from './api.ts';

/** The lock on SSM: PutParameter Overwrite=false is the conditional write. */
export function ssmLockApi(ssm: SSMClient): LockApi {
  const read = ssmApi(ssm).get;
  return {
    async create(name, value) {
      try {
        await ssm.send(
          new PutParameterCommand({
            Name: name,
            Value: value,
            Type: 'String',
            Overwrite: false,
            Description: 'slipway release lock: deleted when the deploy, rollback or destroy holding it ends',
          }),
        );
        return true;
      } catch (e) {
        if (errorName(e) === 'ParameterAlreadyExists') return false;
        throw e;
      }
    },
    read,
    async remove(name) {
      try {
        await ssm.send(new DeleteParameterCommand({ Name: name }));
      } catch (e) {
        if (errorName(e) !== 'ParameterNotFound') throw e;
      }
    },
  };
}
