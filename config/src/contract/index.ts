/*
 * The names every part of Slipway must agree on: stacks, SSM parameters, CI roles, alarms and
 * metrics, office-hours actions, container variables, and the one resolution of an environment
 * or preview name. No CDK, AWS SDK or zod imports, so the CLI's fast paths, the workflows'
 * scripts and the service can load it cheaply (`@slipway/config/contract`).
 */
// `closest` is pure (no package): the CLI's error path uses it without loading the config library.
export { closest } from '../closest.ts';
export {
  type BootstrapRoleKind,
  bootstrapRoleName,
  CDK_DEFAULT_QUALIFIER,
  CI_ROLE_KINDS,
  type CiRoleKind,
  ciRoleArn,
  ciRoleName,
  GITHUB_OIDC,
  type GitHubRepository,
  githubSubject,
  PREVIEW_GITHUB_ENVIRONMENT,
} from './ci-roles.ts';
export {
  CONTAINER_VARIABLES,
  type ContainerVariable,
  isReservedVariable,
  RESERVED_VARIABLES,
  userVariableNames,
} from './container-variables.ts';
export { type FilesUnderOptions, filesUnder, TEST_FILE } from './files.ts';
export { GRAFANA_DATABASE, grafanaImageTag, grafanaRepositoryName, grafanaRoot } from './grafana.ts';
export {
  JOB_TRIGGERS,
  type JobTrigger,
  jobAlarmName,
  jobOutputName,
  jobParameters,
} from './job.ts';
export {
  MIGRATION_PARAMETERS,
  migrationsDigest,
  parseReleaseDigest,
  releaseDigestValue,
  sameCommit,
} from './migrations.ts';
export {
  type AlarmedServiceType,
  kebab,
  METRIC_NAMESPACES,
  type MonitoringKind,
  monitoringName,
  serviceAlarmName,
} from './monitoring.ts';
export { OFFICE_HOURS_ACTIONS } from './office-hours.ts';
export { OUTPUTS, PARAMETERS, parameterName, parameterPath, type SubnetKind } from './parameters.ts';
export { CONTROL_TOWER_PLUGIN, POLICY_CACHE_DIR } from './policy.ts';
export {
  IMAGE_TAG,
  REGISTRY_TRIGGER,
  registryTriggerFunctionName,
  registryTriggerSecretName,
  slipwayWrittenTags,
  TAG_PATTERN,
  tagMatches,
} from './registry-trigger.ts';
export {
  AUDIT_LOG_GROUP,
  AUDIT_LOG_STREAM,
  AUDIT_RETENTION_DAYS,
  auditLogGroupName,
  LOCK_PARAMETER,
  lockParameterName,
} from './release-safety.ts';
export {
  APP_CONTAINER_NAME,
  appLogStream,
  FARGATE_MAX_STOP_TIMEOUT_SECONDS,
  MAX_SHUTDOWN_TIMEOUT_MS,
  SERVICE_HEALTH_CHECK,
  STOP_TIMEOUT_MARGIN_SECONDS,
  serviceHealthCommand,
  stopTimeoutSeconds,
} from './service-container.ts';
export {
  backendUrlVariable,
  repositoryName,
  SERVICE_NAME_PATTERN,
  serviceConstructId,
  serviceDnsName,
  serviceLogGroupName,
  serviceNamespace,
  serviceParameters,
} from './services.ts';
export {
  type AccountLayer,
  accountStackName,
  ciAccessStackId,
  ciAccessStackName,
  createsCertificate,
  EDGE_REGION,
  type EdgeNeeds,
  edgeStackNeeded,
  LAYERS,
  type Layer,
  registryReplicaStackName,
  registryStackName,
  stackName,
} from './stacks.ts';
export { PREVIEW_NAME_GLOB, resolveTarget, type Target, TargetError, type TargetKind } from './target.ts';
export { OCTET_PREFIXES, VIEWER_ADDRESS_HEADER, viewerAddressPattern } from './viewer-address.ts';
export {
  assertServiceName,
  producerQueueVariable,
  WORKER_ALARMS,
  WORKER_QUEUE_URL_VARIABLE,
  type WorkerAlarm,
  workerAlarmName,
} from './worker.ts';
