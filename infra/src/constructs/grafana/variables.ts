import type { MonitoredResources } from '../monitoring/metrics.ts';
import type {
  BackendServiceResources,
  JobServiceResources,
  MonitoredService,
  MonitoredServiceType,
  WebServiceResources,
  WorkerServiceResources,
} from '../monitoring/service-metrics.ts';

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

type ServiceResourceKey =
  | keyof WebServiceResources
  | keyof BackendServiceResources
  | keyof WorkerServiceResources
  | keyof JobServiceResources;

/**
 * The variables of the per-type service dashboards (grafana/service-dashboards/): one copy is
 * provisioned per service of that type, with these set to the service's resources and
 * `service_name` to its name (the row title shows it).
 */
export const SERVICE_GRAFANA_VARIABLES: { readonly [K in ServiceResourceKey | 'name']: string } = {
  name: 'service_name',
  loadBalancer: 'load_balancer',
  blueTargetGroup: 'blue_target_group',
  greenTargetGroup: 'green_target_group',
  cluster: 'cluster',
  service: 'service',
  queue: 'queue',
  deadLetterQueue: 'dead_letter_queue',
  stateMachine: 'state_machine',
};

/** A service of `type` whose name and resources are Grafana variable references: a dashboard template's input. */
export function variableService(type: MonitoredServiceType): MonitoredService {
  const v = (key: keyof typeof SERVICE_GRAFANA_VARIABLES) => `$${SERVICE_GRAFANA_VARIABLES[key]}`;
  const name = v('name');
  const cluster = v('cluster');
  const service = v('service');
  switch (type) {
    case 'web':
      return {
        name,
        type,
        resources: {
          loadBalancer: v('loadBalancer'),
          blueTargetGroup: v('blueTargetGroup'),
          greenTargetGroup: v('greenTargetGroup'),
          cluster,
          service,
        },
      };
    case 'backend':
      return { name, type, resources: { cluster, service } };
    case 'worker':
      return {
        name,
        type,
        resources: { cluster, service, queue: v('queue'), deadLetterQueue: v('deadLetterQueue') },
      };
    default:
      return { name, type, resources: { stateMachine: v('stateMachine') } };
  }
}
