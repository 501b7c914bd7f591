/*
 * Where `slipway deploy`, `rollback` and `destroy` keep their per-environment lock and their
 * audit records, in the environment's own account and region. Neither belongs to a stack: the
 * CLI creates them on first use, so they exist before the first deploy and outlive `destroy`.
 * The CI deploy role's policy (infra) is scoped to exactly these names.
 */

/**
 * The lock: an SSM String parameter created with Overwrite=false (an atomic create) and deleted
 * when the command ends. Relative to the environment's parameter path (`/<app>/<env>`).
 */
export const LOCK_PARAMETER = 'deploy-lock';

/** The lock parameter's full name, e.g. `/slipway/prod/deploy-lock`. */
export function lockParameterName(env: { readonly parameterPath: string }): string {
  return `${env.parameterPath}/${LOCK_PARAMETER}`;
}

/** The audit log group's name below the environment's path: `/<app>/<env>/releases`. */
export const AUDIT_LOG_GROUP = 'releases';

/** The one log stream of the audit log group (one writer at a time: the lock holder). */
export const AUDIT_LOG_STREAM = 'releases';

/** Days CloudWatch Logs keeps an audit record (ten years; the records are a few hundred bytes each). */
export const AUDIT_RETENTION_DAYS = 3653;

/** The audit log group's full name, e.g. `/slipway/prod/releases`. */
export function auditLogGroupName(env: { readonly parameterPath: string }): string {
  return `${env.parameterPath}/${AUDIT_LOG_GROUP}`;
}
