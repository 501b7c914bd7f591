import type { MonitoredResources } from '../monitoring/metrics.ts';

/**
 * The Grafana dashboard variables that stand for one environment's resources. The committed
 * dashboards (grafana/dashboards/) use them as dimension values; the observability stack fills
 * each one's value with the environment's resource when it provisions the files.
 */
export const GRAFANA_VARIABLES: { readonly [K in keyof Required<MonitoredResources>]: string } = {
  loadBalancer: 'load_balancer',
  blueTargetGroup: 'blue_target_group',
  greenTargetGroup: 'green_target_group',
  cluster: 'cluster',
  service: 'service',
  dbInstance: 'db_instance',
};

/** The resources as Grafana variable references (`$load_balancer`, ...). */
export const VARIABLE_RESOURCES: Required<MonitoredResources> = Object.fromEntries(
  Object.entries(GRAFANA_VARIABLES).map(([key, name]) => [key, `$${name}`]),
) as unknown as Required<MonitoredResources>;

/** Uid of the provisioned CloudWatch data source every panel queries. */
export const CLOUDWATCH_DATASOURCE_UID = 'cloudwatch';
