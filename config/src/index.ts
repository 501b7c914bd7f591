export { defineConfig } from './define-config.ts';
export {
  CONFIG_ERRORS,
  type ConfigError,
  type ConfigErrorCode,
  ConfigValidationError,
  formatConfigError,
} from './errors.ts';
export { describeMemoryFor, FARGATE_CPU_UNITS, FARGATE_SIZES, isValidFargateSize } from './fargate.ts';
export { defaultConfigPath, findRepoRoot, loadConfig, parseConfig } from './load.ts';
export { availabilityZones, isRegion, REGION_NAMES, REGIONS, type Region } from './regions.ts';
export {
  ALARM_DEFAULTS,
  type AlarmName,
  type Capacity,
  capacityProviderStrategy,
  DEFAULTS,
  isEnvironmentName,
  isPreviewName,
  PREVIEW_NAME,
  type ResolvedEnvironment,
  type ResolvedRegistry,
  resolveEnvironment,
  resolveEnvironmentByName,
  resolvePreview,
  resolveRegistry,
  spotShare,
} from './resolve.ts';
export { WEEKDAYS } from './schema.ts';
export type {
  AppConfig,
  EnvironmentConfig,
  EnvironmentInput,
  SlipwayConfig,
  SlipwayConfigInput,
} from './types.ts';
export {
  checkTimeZone,
  expandDays,
  formatDays,
  knownTimeZones,
  minutesOfDay,
  type Weekday,
} from './uptime.ts';
export { cidrsOverlap, closest, type ValidationResult, validateConfig } from './validate.ts';
