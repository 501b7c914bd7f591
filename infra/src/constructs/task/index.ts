export { APP_CONTAINER_NAME } from '@slipway/config/contract';
export {
  type AppContainerOptions,
  type AppLogOptions,
  acknowledgeTaskFindings,
  addAppContainer,
  appLogGroup,
  appTaskDefinition,
  type CapacityShare,
  capacityProviderStrategies,
  ON_DEMAND,
  runOnlyWhen,
  validateCapacity,
} from './app-task.ts';
export {
  applyEarlySuccess,
  type DeploymentSettings,
  deploymentProps,
  type ServiceBase,
  scaleOnCpuAndMemory,
  serviceBaseProps,
} from './fargate-service.ts';
