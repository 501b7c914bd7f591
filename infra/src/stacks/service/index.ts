export type { BuiltService } from './build.ts';
export { FIRST_ROUTE_PRIORITY, ROUTE_PRIORITY_STEP, routePriorities } from './routes.ts';
export { ServiceStack, type ServiceStackProps } from './service-stack.ts';
