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
  RESERVED_VARIABLES,
  resolveTarget,
  type SubnetKind,
  stackName,
  type Target,
  TargetError,
  type TargetKind,
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
export { type AcknowledgeKey, WEEKDAYS } from './schema/index.ts';
export type {
  AppConfig,
  EnvironmentConfig,
  EnvironmentInput,
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
