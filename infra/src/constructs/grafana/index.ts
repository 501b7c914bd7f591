export { GrafanaDatabase, type GrafanaDatabaseProps } from './grafana-database.ts';
export {
  GRAFANA_ALERTING_PORT,
  GRAFANA_PORT,
  type GrafanaDatabaseConnection,
  GrafanaService,
  type GrafanaServiceProps,
} from './grafana-service.ts';
export {
  CONTAINER_DASHBOARDS_PATH,
  CONTAINER_PROVISIONING_PATH,
  DASHBOARDS_DIR,
  GRAFANA_ROOT,
  type ProvisionedFile,
  renderDashboard,
  renderProvisioning,
  SERVICE_DASHBOARDS_DIR,
} from './provisioning.ts';
export {
  CONTAINER_SERVICE_DASHBOARDS_PATH,
  renderServiceDashboard,
  renderServiceProvisioning,
  type ServiceDashboardFile,
  type ServiceProvisioning,
  serviceDashboardTemplate,
  templateVariable,
} from './service-provisioning.ts';
export { type ToolRoute, ToolService, type ToolServiceProps } from './tool-service.ts';
export {
  CLOUDWATCH_DATASOURCE_UID,
  GRAFANA_VARIABLES,
  SERVICE_GRAFANA_VARIABLES,
  VARIABLE_RESOURCES,
  variableService,
} from './variables.ts';
