import { isMap, unresolved } from './values.ts';

/*
 * One entry of Copilot's `secrets` (site/content/docs/include/secrets.en.md and
 * site/content/docs/developing/secrets.en.md) as a Slipway secret reference (`secretRef` in
 * config/src/schema/common.ts):
 *   - `NAME: GH_WEBHOOK_SECRET` or `NAME: /path/to/param`: an SSM parameter by name;
 *   - `NAME: 'arn:aws:ssm:…:parameter/path'`: an SSM parameter by ARN;
 *   - `NAME: 'arn:aws:secretsmanager:…:secret:name-AbCdEf'` or `{ secretsmanager: 'name' }`: a
 *     Secrets Manager secret, optionally followed by `:json-key:version-stage:version-id`
 *     (ECS's `valueFrom` syntax);
 *   - `{ from_cfn: export }`: a CloudFormation export, which Slipway does not read.
 */

export type SecretRef = { secretsManager: string; field?: string } | { ssmParameter: string };

export type SecretMapping =
  | { readonly outcome: 'mapped' | 'approximated'; readonly ref: SecretRef; readonly why: string }
  | { readonly outcome: 'not-mapped'; readonly why: string };

const SECRET_ARN = /^(arn:aws[a-z-]*:secretsmanager:[^:]+:\d{12}:secret:[^:]+)(?::(.*))?$/;
const SSM_ARN = /^arn:aws[a-z-]*:ssm:[^:]+:\d{12}:parameter(\/.+)$/;

/** `secret-id[:json-key[:version-stage[:version-id]]]`, the secret id a name or an ARN. */
function secretsManager(value: string): SecretMapping {
  const arn = SECRET_ARN.exec(value);
  const [id, rest] = arn
    ? [arn[1] ?? '', arn[2] ?? '']
    : [value.split(':')[0] ?? '', value.split(':').slice(1).join(':')];
  const [field, stage, version] = rest.split(':');
  const ref: SecretRef = field ? { secretsManager: id, field } : { secretsManager: id };
  if (stage || version)
    return {
      outcome: 'approximated',
      ref,
      why: `Slipway always reads the current version (AWSCURRENT); Copilot pinned ${stage ? `stage ${stage}` : `version ${version}`}`,
    };
  return { outcome: 'mapped', ref, why: `Secrets Manager secret ${id}${field ? `, JSON key ${field}` : ''}` };
}

/** The Slipway reference for one Copilot secret value. */
export function mapSecret(value: unknown): SecretMapping {
  if (isMap(value) && typeof value.secretsmanager === 'string') {
    if (unresolved(value.secretsmanager))
      return {
        outcome: 'not-mapped',
        why: `"${value.secretsmanager}" depends on a variable Copilot filled in at deploy time; name the secret itself`,
      };
    return secretsManager(value.secretsmanager);
  }
  if (isMap(value) && 'from_cfn' in value)
    return {
      outcome: 'not-mapped',
      why: `reads the CloudFormation export ${String(value.from_cfn)}; Slipway takes a Secrets Manager secret or an SSM parameter: put the value in one and reference it`,
    };
  if (typeof value !== 'string') return { outcome: 'not-mapped', why: 'not a form Copilot documents' };
  if (unresolved(value))
    return {
      outcome: 'not-mapped',
      why: `"${value}" depends on a variable Copilot filled in at deploy time; name the parameter itself`,
    };
  if (SECRET_ARN.test(value)) return secretsManager(value);
  const ssmArn = SSM_ARN.exec(value);
  if (ssmArn?.[1])
    return {
      outcome: 'mapped',
      ref: { ssmParameter: ssmArn[1] },
      why: `SSM parameter ${ssmArn[1]} (in the environment's own account and region)`,
    };
  if (value.startsWith('/'))
    return { outcome: 'mapped', ref: { ssmParameter: value }, why: `SSM parameter ${value}` };
  return {
    outcome: 'approximated',
    ref: { ssmParameter: `/${value}` },
    why: `Slipway names SSM parameters by path; create /${value} with the value of ${value} (or rename it)`,
  };
}
