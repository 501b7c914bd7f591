/*
 * The names the services of one app agree on: how a service is named and where a backend answers
 * (Cloud Map DNS). The queue variables of workers and their producers are in ./worker.ts.
 */

/** A service name: lowercase, starting with a letter, at most 20 characters (it prefixes resource names). */
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

/** The Cloud Map namespace of an environment: `<env>.internal`. */
export function serviceNamespace(env: string): string {
  return `${env}.internal`;
}

/** Where a backend service answers inside the VPC: `<service>.<env>.internal`. */
export function serviceDnsName(service: string, env: string): string {
  return `${service}.${serviceNamespace(env)}`;
}

/** `nightly-report` → `NightlyReport`. */
function pascal(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The construct id of a service in the service stack. The default web service keeps `Web`, the id
 * it had when an app had one service, so upgrading replaces none of its resources; every other
 * service is `Service<PascalName>` (`api` → `ServiceApi`). The plan groups cost and deploy time by
 * these ids (the `aws:cdk:path` of each resource).
 */
export function serviceConstructId(name: string, isDefaultWeb: boolean): string {
  return isDefaultWeb ? 'Web' : `Service${pascal(name)}`;
}

/**
 * The SSM parameter keys of one service, under its environment's parameter path. Every service
 * writes them; the default web service also keeps the single-service keys of `PARAMETERS`
 * (`service/service-name`, …), which older readers use.
 */
export function serviceParameters(name: string) {
  const at = (key: string) => `services/${name}/${key}`;
  return {
    /** The ECS service (web, backend, worker). */
    serviceName: at('service-name'),
    serviceArn: at('service-arn'),
    /** The container log group (every type). */
    logGroupName: at('log-group-name'),
    /** The tasks' security group (every type). */
    securityGroupId: at('security-group-id'),
    /** Metrics dimension `TargetGroup` of a web service's blue and green target groups. */
    blueTargetGroupFullName: at('blue-target-group-full-name'),
    greenTargetGroupFullName: at('green-target-group-full-name'),
    /** A worker's queue and dead-letter queue (names are the metrics dimension `QueueName`). */
    queueUrl: at('queue-url'),
    queueName: at('queue-name'),
    deadLetterQueueName: at('dead-letter-queue-name'),
  } as const;
}

/** A service's container log group: the default web service keeps `/<app>/<env>/service`; others `/<app>/<env>/services/<name>`. */
export function serviceLogGroupName(app: string, env: string, name: string, isDefaultWeb: boolean): string {
  return isDefaultWeb ? `/${app}/${env}/service` : `/${app}/${env}/services/${name}`;
}

/**
 * The ECR repository of an image a service builds: the image of the default web service keeps the
 * app's repository, `<app>`; any other built image has its own, `<app>-<service>` (the service
 * that builds it). Every image of one commit carries the same tag, the commit sha.
 */
export function repositoryName(app: string, imageOwner: string, isPrimaryImage: boolean): string {
  return isPrimaryImage ? app : `${app}-${imageOwner}`;
}

/** The variable a caller reads a backend's base URL from: `api` → `API_URL` = `http://api.<env>.internal:<port>`. */
export function backendUrlVariable(backend: string): string {
  return `${backend.replaceAll('-', '_').toUpperCase()}_URL`;
}
