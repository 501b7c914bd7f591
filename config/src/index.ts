export { closest } from './closest.ts';
export {
  type AccountLayer,
  accountStackName,
  CONTAINER_VARIABLES,
  type Layer,
  monitoringName,
  OFFICE_HOURS_ACTIONS,
  PARAMETERS,
  parameterName,
  producerQueueVariable,
  RESERVED_VARIABLES,
  resolveTarget,
  SERVICE_NAME_PATTERN,
  type SubnetKind,
  serviceDnsName,
  serviceNamespace,
  stackName,
  type Target,
  TargetError,
  type TargetKind,
  WORKER_QUEUE_URL_VARIABLE,
} from './contract/index.ts';
export { defineConfig } from './define-config.ts';
export { inZone, isHostedZoneId, type ResolvedDomain } from './domain.ts';
export {
  CONFIG_ERRORS,
  type ConfigError,
  type ConfigErrorCode,
  ConfigValidationError,
  formatConfigError,
} from './errors.ts';
export { describeMemoryFor, FARGATE_CPU_UNITS, FARGATE_SIZES, isValidFargateSize } from './fargate.ts';
export {
  CONFIG_FILE,
  defaultConfigPath,
  findConfig,
  findRepoRoot,
  loadConfig,
  parseConfig,
} from './load.ts';
export {
  ConfigLoadError,
  type ConfigLoadProblem,
  codeFrame,
  type SourceLocation,
} from './load-errors.ts';
export {
  checkTimeZone,
  expandDays,
  formatDays,
  knownTimeZones,
  minutesOfDay,
  type Weekday,
} from './office-hours.ts';
export { availabilityZones, isRegion, REGION_NAMES, REGIONS, type Region } from './regions.ts';
export {
  ALARM_DEFAULTS,
  type AlarmName,
  type Capacity,
  capacityProviderStrategy,
  DEFAULTS,
  type ResolvedEnvironment,
  type ResolvedRegistry,
  resolveEnvironment,
  resolveHealthCheck,
  resolveRegistry,
  servesHttps,
  spotShare,
} from './resolve.ts';
export { type AcknowledgeKey, imageSchema, WEEKDAYS } from './schema/index.ts';
export {
  APP_KEYS_WITH_SERVICES,
  appView,
  appViewIn,
  type BuildPaths,
  builtImages,
  type ConcreteImage,
  concreteImage,
  declaredServices,
  defaultWebService,
  type ImageBuild,
  type ImageReplica,
  type ImageRepositorySpec,
  imageRepositories,
  migrationOwner,
  pullRegistry,
  type ResolvedBackendService,
  type ResolvedJobService,
  type ResolvedService,
  type ResolvedWebService,
  type ResolvedWorkerService,
  rebaseBuild,
  replicaPlaces,
  replicationEnabled,
  resolveServices,
  type ServiceDefaults,
  SHORTHAND_SERVICE,
  serviceRepository,
  shorthandService,
} from './services/index.ts';
export { scheduleProblem } from './services/schedule.ts';
export type {
  AppConfig,
  EnvironmentConfig,
  EnvironmentInput,
  ServiceConfig,
  ServiceInput,
  ServiceOverride,
  ServicesConfig,
  ServiceType,
  SlipwayConfig,
  SlipwayConfigInput,
} from './types.ts';
export {
  cidrsOverlap,
  READINESS_RULES,
  type ReadinessCheck,
  type ReadinessRule,
  type ReadinessStatus,
  readinessOf,
  type ValidationResult,
  validateConfig,
} from './validate/index.ts';
