import type { ResolvedEnvironment } from '@slipway/config';
import { parameterName } from '@slipway/config/contract';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';

type Env = Pick<ResolvedEnvironment, 'parameterPath'>;

/**
 * Writes one cross-layer value as an SSM String parameter under `/<app>/<env>/`.
 * The construct ID is derived from the key so it stays stable.
 */
export function writeParameter(scope: Construct, env: Env, key: string, value: string, description: string) {
  return new ssm.StringParameter(scope, `Param-${key.replace(/[^A-Za-z0-9]/g, '-')}`, {
    parameterName: parameterName(env, key),
    stringValue: value,
    description,
    tier: ssm.ParameterTier.STANDARD,
  });
}

/**
 * Reads a value another layer wrote. CloudFormation resolves it at deploy time (a parameter of
 * type `AWS::SSM::Parameter::Value<String>`), so synth needs no credentials and no exports tie
 * the stacks together.
 */
export function readParameter(scope: Construct, env: Env, key: string): string {
  return ssm.StringParameter.valueForStringParameter(scope, parameterName(env, key));
}
