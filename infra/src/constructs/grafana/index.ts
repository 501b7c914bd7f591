export { GRAFANA_PORT, GrafanaService, type GrafanaServiceProps } from './grafana-service.ts';
export {
  CONTAINER_DASHBOARDS_PATH,
  CONTAINER_PROVISIONING_PATH,
  DASHBOARDS_DIR,
  GRAFANA_ROOT,
  type ProvisionedFile,
  renderDashboard,
  renderProvisioning,
} from './provisioning.ts';
export { type ToolRoute, ToolService, type ToolServiceProps } from './tool-service.ts';
export { CLOUDWATCH_DATASOURCE_UID, GRAFANA_VARIABLES, VARIABLE_RESOURCES } from './variables.ts';
