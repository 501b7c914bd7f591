/**
 * The configuration error catalog. Every error `validateConfig` reports carries one of these
 * codes. `docs/reference/errors.md` and the README's troubleshooting section are generated from this
 * catalog by `npm run docs:errors` (scripts/docs/errors.ts; its test fails when they are stale).
 */
export const CONFIG_ERRORS = {
  SW101: {
    title: 'unknown key',
    solve: 'Remove the key or fix its spelling; the message suggests the closest known key.',
  },
  SW102: {
    title: 'wrong type',
    solve: 'Give the value the type the message names (a number without quotes, a list in [], ...).',
  },
  SW103: { title: 'value not allowed', solve: 'Use one of the values the message lists.' },
  SW104: { title: 'out of range', solve: 'Use a number inside the range the message gives.' },
  SW105: {
    title: 'bad format',
    solve: 'Write the value in the format the message shows (CIDR, account id, ARN, ...).',
  },
  SW106: { title: 'missing key', solve: 'Add the key; it has no default.' },
  SW110: {
    title: 'invalid Fargate size',
    solve:
      'Pick a cpu/memoryMiB pair Fargate supports; the message lists the memory sizes allowed for the cpu.',
  },
  SW111: { title: 'minTasks above maxTasks', solve: 'Raise service.maxTasks or lower service.minTasks.' },
  SW112: {
    title: 'overlapping VPC CIDRs',
    solve:
      'Give each environment in the same account its own range, e.g. 10.0.0.0/16, 10.1.0.0/16, 10.2.0.0/16.',
  },
  SW113: { title: 'VPC CIDR size', solve: 'Use a block between /16 and /24.' },
  SW114: {
    title: 'too many availability zones',
    solve:
      "Lower network.azCount to the number of zones the region offers (the message gives it; config/src/regions.ts lists each region's zones).",
  },
  SW115: {
    title: 'protected environment without deletion protection',
    solve:
      'Set database.deletionProtection: true, or explain why not in acknowledge.noDeletionProtection (at least 10 characters).',
  },
  SW116: { title: 'unknown environment reference', solve: 'Name an environment defined in `environments`.' },
  SW117: {
    title: 'certificate outside us-east-1',
    solve:
      'CloudFront only uses ACM certificates from us-east-1: request or import the certificate there, or drop certificateArn and give domain.zone so Slipway creates one.',
  },
  SW118: {
    title: 'secret in a plain environment variable',
    solve:
      'Move the value to Secrets Manager or SSM and reference it under app.secrets (services.<name>.secrets with services).',
  },
  SW119: {
    title: 'variable set twice',
    solve: 'Keep the name in environment or in secrets (of app, or of services.<name>), not in both.',
  },
  SW120: { title: 'no environments', solve: 'Define at least one environment under `environments`.' },
  SW121: {
    title: 'deployment settings out of range',
    solve:
      'Keep the step percent, bake times and their total inside what ECS allows (the message gives the limit).',
  },
  SW122: {
    title: 'feature needs the database',
    solve: 'Enable app.database or turn the feature off (pgadmin.enabled: false, deploy.migrate: false).',
  },
  SW123: {
    title: 'storage ceiling below initial size',
    solve: 'Make maxAllocatedStorageGiB at least allocatedStorageGiB.',
  },
  SW125: {
    title: 'smoke test without outbound access',
    solve: 'Give the environment a NAT mode (instance is the cheapest), or turn deploy.smokeTest off.',
  },
  SW126: {
    title: 'previews from an unknown environment',
    solve: 'Set previews.from to one of the environments in slipway.config.ts (usually dev).',
  },
  SW127: {
    title: 'protected environment with office hours',
    solve:
      'Remove officeHours from the protected environment (production runs around the clock), or explain why in acknowledge.officeHours (at least 10 characters).',
  },
  SW128: {
    title: 'office hours window reversed or too short',
    solve:
      'Make officeHours.stop at least an hour after officeHours.start on the same day; a window across midnight is not supported.',
  },
  SW129: {
    title: 'nowhere to look',
    solve:
      'Keep the CloudWatch dashboard (dashboard: true) or Grafana (grafana.enabled: true) in every environment.',
  },
  SW130: {
    title: 'reserved container variable',
    solve:
      'Rename the variable or secret; Slipway sets PORT, SHUTDOWN_TIMEOUT_MS, APP_ENV, AWS_REGION, GIT_SHA, DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD, DB_SSL, DB_SECRET_ARN, MIGRATE_ON_START, DB_EMBEDDED and HSTS_MAX_AGE itself, and the service reads APP_VERSION, DATABASE_URL and DB_EMBEDDED_DIR. With services, a worker gets QUEUE_URL and a service that calls worker <name> gets <NAME>_QUEUE_URL.',
  },
  SW131: {
    title: 'protected environment with a single-AZ database',
    solve:
      'Set database.multiAz: true (a standby in a second zone takes over in one to two minutes), or explain why not in acknowledge.singleAzDatabase.',
  },
  SW132: {
    title: 'protected environment with fewer than two tasks',
    solve:
      'Set service.minTasks to 2 or more (tasks spread over two zones), or explain why not in acknowledge.singleTask.',
  },
  SW133: {
    title: 'protected environment all on Spot',
    solve:
      "Keep an on-demand base: service.capacity { mixed: { base: 1, spotWeight: 1 } } or 'on-demand', or explain why not in acknowledge.allSpot.",
  },
  SW134: {
    title: 'protected environment without alarm email',
    solve:
      'List who is on call in alarms.email (each address confirms the subscription), or explain why not in acknowledge.noAlarmEmail.',
  },
  SW135: {
    title: 'protected environment without WAF',
    solve: 'Set waf.enabled: true, or explain why not in acknowledge.noWaf.',
  },
  SW137: {
    title: 'protected environment without approval',
    solve:
      'Set approval: true (deploys wait for a reviewer on the GitHub Environment), or explain why not in acknowledge.noApproval.',
  },
  SW138: {
    title: 'acknowledgement of a risk not taken',
    solve:
      'Remove the acknowledge key the message names: the environment is not protected, or its setting is already safe.',
  },
  SW140: {
    title: 'domain without a certificate source',
    solve:
      'Give the hosted zone (domain.zone: its id, e.g. Z0123456789ABC, or its name, e.g. example.com) so Slipway creates and validates the certificate, or certificateArn of a us-east-1 certificate covering the name.',
  },
  SW141: {
    title: 'two environments share a domain name',
    solve:
      'Set environments.<name>.domain.name on one of them (by default every protected environment serves the apex domain.name).',
  },
  SW142: {
    title: 'tool route CIDR not on an octet boundary',
    solve:
      'Use /8, /16, /24 or /32 blocks in grafana.allowedCidrs and pgadmin.allowedCidrs (e.g. 203.0.113.0/24, or several /32 addresses): the route matches the viewer address CloudFront forwards by wildcard.',
  },
  SW149: {
    title: 'domain name outside its zone',
    solve:
      'Give the zone that holds the name (for dev.app.example.com: app.example.com or example.com), or set environments.<name>.domain.name to a name inside the zone.',
  },
  SW150: {
    title: 'unknown service',
    solve:
      'Name a service declared under services (calls, image.from, environments.<env>.services); the message suggests the closest name.',
  },
  SW151: {
    title: 'call to a service that takes no calls',
    solve:
      'List only backend services (called over Cloud Map) and workers (sent messages) in calls; a web service is reached through the load balancer and a job only runs on its schedule.',
  },
  SW152: {
    title: 'image.from goes round in a cycle',
    solve:
      'Give one service of the cycle its own image ({ build: {...} } or { uri }) and let the others take it with image.from.',
  },
  SW153: {
    title: 'two web services share a route',
    solve: 'Give each web service its own route.paths or route.hosts, or merge the two services.',
  },
  SW154: {
    title: 'not exactly one default web service',
    solve:
      'Leave route off exactly one web service (it takes every request no other route matches) and give every other web service a route.',
  },
  SW155: {
    title: 'more than one service migrates',
    solve: 'Keep migrate on the one service that owns the database schema and remove it from the others.',
  },
  SW156: {
    title: 'migrate without the database',
    solve: 'Set database: true on the service that declares migrate, or remove migrate.',
  },
  SW157: {
    title: 'service database without an app database',
    solve: 'Give the app a database (remove app.database: false) or set the service database: false.',
  },
  SW158: {
    title: 'service setting under app',
    solve:
      'With services, app holds only name and database: move the key to the service it belongs to (services.<name>.<key>; migrateCommand becomes migrate).',
  },
  SW159: {
    title: 'invalid schedule expression',
    solve:
      'Write an EventBridge Scheduler expression in UTC: cron(minutes hours day-of-month month day-of-week year) with ? in one of the day fields, e.g. cron(0 3 * * ? *), or rate(15 minutes).',
  },
  SW160: {
    title: 'setting that does not apply to the service type',
    solve:
      'Remove the key: schedule and enabled are for jobs; minTasks, maxTasks and scaling for long-running services; scaleOnRequestsPerTarget for web; messagesPerTask for workers.',
  },
  SW161: {
    title: 'deploy.migrate without a service that migrates',
    solve:
      'Declare migrate on the service that owns the database schema, or set deploy.migrate: false (or leave it out).',
  },
  SW162: {
    title: 'job calls a backend service',
    solve:
      "A scheduled job runs as a one-off ECS task (RunTask), which cannot be a Service Connect client, so a backend is out of its reach. Remove the backend from the job's calls and have the job send its work to a worker that calls the backend (add the worker to the job's calls), or make the backend a web service with a route.",
  },
  SW163: {
    title: 'migrationsPath without migrate',
    solve:
      'migrationsPath names the folder of the migrations a service applies; it means something only on the service that declares migrate. Move it there, or remove it.',
  },
  SW170: {
    title: 'deploy on image push without a GitHub App',
    solve:
      'Set github: { owner, repository, appId } (the App ID of a GitHub App with Actions: write on the repository), or remove deployOnImagePush.',
  },
  SW171: {
    title: 'deploy on image push skips a promotion',
    solve:
      'An environment with promoteFrom takes only the image the other environment verified: set deployOnImagePush on that environment instead, or remove promoteFrom.',
  },
  SW172: {
    title: 'tag pattern matches the tags Slipway writes',
    solve:
      'Choose a pattern no deploy or build tag matches (deployed-<env>, rollback-<env>, latest, <branch>-latest), e.g. "rc-*" or "v*".',
  },
  SW177: {
    title: 'Grafana on PostgreSQL without a database or NAT',
    solve:
      "Give the app a database and the network NAT (the function that creates Grafana's database reads Secrets Manager from the VPC), or set grafana.database: 'sqlite' (one task, state on EFS).",
  },
  SW178: {
    title: 'more than one Grafana task on SQLite',
    solve:
      "SQLite on EFS allows one writer: set grafana.minTasks and grafana.maxTasks to 1, or use grafana.database: 'postgres' (the default where the app has a database and the network has NAT).",
  },
  SW179: {
    title: 'Grafana minTasks above maxTasks',
    solve: 'Raise grafana.maxTasks or lower grafana.minTasks.',
  },
  SW180: {
    title: 'protected environment with a zone without a task',
    solve:
      'Set service.minTasks (or services.<name>.minTasks) to network.azCount or more, so each web and backend service runs a task in every zone at rest, or explain why not in acknowledge.fewerTasksThanZones.',
  },
} as const;

export type ConfigErrorCode = keyof typeof CONFIG_ERRORS;

export interface ConfigError {
  /** Dotted key path, e.g. `environments.prod.service.cpu`. */
  readonly path: string;
  readonly code: ConfigErrorCode;
  /** One sentence: what is wrong and what is allowed. */
  readonly message: string;
}

export function formatConfigError(error: ConfigError): string {
  return `${error.path || '(root)'}: ${error.message} [${error.code}]`;
}

export class ConfigValidationError extends Error {
  readonly errors: readonly ConfigError[];
  readonly source;

  constructor(errors: readonly ConfigError[], source = 'slipway.config.ts') {
    super(
      `${source} has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n` +
        errors.map((e) => `  - ${formatConfigError(e)}`).join('\n'),
    );
    this.errors = errors;
    this.source = source;
    this.name = 'ConfigValidationError';
  }
}
