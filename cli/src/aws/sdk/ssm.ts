import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { SsmApi } from '../api.ts';
import { errorName } from './errors.ts';

/** String parameters: read (undefined when missing) and overwrite. */
export function ssmApi(ssm: SSMClient): SsmApi {
  return {
    async get(name) {
      try {
        return (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
      } catch (e) {
        if (errorName(e) === 'ParameterNotFound') return undefined;
        throw e;
      }
    },
    async put(name, value) {
      await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
    },
  };
}
