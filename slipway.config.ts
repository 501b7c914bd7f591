import { defineConfig } from '@slipway/config';

// The one file you edit. Every key is documented where it is defined (config/src/schema/,
// hover it in your editor) and in docs/reference/config.md; `slipway plan <env>` shows what an
// environment costs. Account ids below are placeholders: replace them with your own.
export default defineConfig({
  // The app's name and its one database; what runs is under `services`.
  app: {
    name: 'slipway',
    database: { name: 'app', engineVersion: '18' },
  },

  // Four services, one of each kind but backend, all from this repository's one image (built once
  // per commit; `image: { from: 'web' }` reuses it with another command). Sizes come from each
  // environment's `service` unless a service sets its own. See docs/services.md.
  services: {
    // The default web service: every request no other route matches. It owns the database schema
    // (`migrate` runs once per deploy) and produces work for the worker: it gets WORKER_QUEUE_URL
    // and may send to that queue (the app answers /api/* here too when api's route is removed).
    web: {
      type: 'web',
      image: { build: { context: '.', dockerfile: 'app/Dockerfile' } },
      port: 3000,
      healthPath: '/health',
      readyPath: '/ready',
      environment: { LOG_LEVEL: 'info' },
      database: true,
      migrate: ['node', 'dist/main.js', 'migrate'],
      // What `migrate` applies: a deploy records this folder's hash, and the migrate hook skips its
      // one-off task when the hash is the one it applied last (nothing pending).
      migrationsPath: 'app/migrations',
      calls: ['worker'],
    },
    // The same service image behind the load balancer's `/api/*` rule, scaled on its own: the
    // API's traffic no longer competes with the pages. It serves the same items, so it needs the
    // database (it does not migrate: web owns the schema), and it serves the route that queues
    // work (POST /api/items/:id/process), so it produces for the worker too.
    api: {
      type: 'web',
      image: { from: 'web' },
      route: { paths: ['/api/*'] },
      port: 3000,
      healthPath: '/health',
      readyPath: '/ready',
      environment: { LOG_LEVEL: 'info' },
      database: true,
      calls: ['worker'],
    },
    // Consumes its SQS queue (QUEUE_URL), with a dead-letter queue and alarms, and scales on the
    // backlog: to zero when nothing waits, outside production. A small task is plenty.
    worker: {
      type: 'worker',
      image: { from: 'web' },
      command: ['node', 'dist/main.js', 'worker'],
      cpu: 256,
      memoryMiB: 512,
      environment: { LOG_LEVEL: 'info' },
      database: true,
    },
    // Deletes old items every night at 03:00 UTC: a one-off task (minutes of Fargate a day), with
    // a timeout, retries and a failure alarm. `slipway run <env> prune` runs it now.
    prune: {
      type: 'job',
      image: { from: 'web' },
      command: ['node', 'dist/main.js', 'prune'],
      schedule: 'cron(0 3 * * ? *)',
      cpu: 256,
      memoryMiB: 512,
      environment: { LOG_LEVEL: 'info' },
      database: true,
    },
  },

  github: { owner: 'example-org', repository: 'slipway' },
  // A pull request labelled `preview` deploys pr-<number> into dev's account and network (the
  // preview workflow), with the cheapest settings and no RDS; it is destroyed when the PR closes.
  previews: { from: 'dev' },
  // Every environment serves HTTPS on its CloudFront name. This line gives each one a name with a
  // certificate and DNS records (dev.app.example.com, ..., prod at app.example.com); the zone is a
  // Route 53 hosted zone (its name or id) in the environments' account (docs/infrastructure.md, "Domains").
  // domain: { name: 'app.example.com', zone: 'example.com' },

  environments: {
    // Everything cheap: Fargate Spot, one small task, a NAT instance, single-AZ t4g.micro.
    dev: {
      account: '111111111111',
      region: 'us-east-1',
      // Every push to develop deploys here (docs/pipelines.md has the table of what deploys where).
      branch: 'develop',
      network: { cidr: '10.0.0.0/16', azCount: 2, nat: 'instance' },
      service: { cpu: 256, memoryMiB: 512, minTasks: 1, maxTasks: 2, capacity: 'spot' },
      database: {
        instanceClass: 't4g.micro',
        multiAz: false,
        backupRetentionDays: 1,
        deletionProtection: false,
      },
      deploy: { strategy: 'rolling' },
      // Grafana (kept) shows the same metrics from the same catalog: dev skips the $3 CloudWatch
      // dashboard, part of keeping dev under $40 a month (docs/cost.md).
      dashboard: false,
      // Office hours: nobody uses dev at night or at weekends, so its tasks scale to zero and its
      // database and NAT instance stop outside them (about 30% of the month running). The load
      // balancer stays, answering 503 while the tasks sleep; a deploy outside hours wakes dev
      // first. Set the time zone to your team's. See docs/infrastructure.md, "Office hours".
      officeHours: { days: 'MON-FRI', start: '08:00', stop: '18:00', timezone: 'Europe/London' },
    },

    // Like dev, in its own VPC: for QA and pull-request previews. No branch: QA chooses what runs
    // here, so it is deployed on demand (the app workflow's Run workflow, with an image tag that is
    // in the registry); `deployOnImagePush: { tagPattern: 'rc-*' }` would also deploy each image
    // tagged rc-* (needs github.appId; docs/pipelines.md, "Deploy on image push").
    test: {
      account: '111111111111',
      region: 'us-east-1',
      network: { cidr: '10.1.0.0/16', azCount: 2, nat: 'instance' },
      service: { cpu: 256, memoryMiB: 512, minTasks: 1, maxTasks: 1, capacity: 'spot' },
      database: {
        instanceClass: 't4g.micro',
        multiAz: false,
        backupRetentionDays: 1,
        deletionProtection: false,
      },
      deploy: { strategy: 'rolling' },
      grafana: { enabled: false },
    },

    // Production-like, in production's region: one NAT gateway, blue/green deploys, WAF on. Its
    // database keeps a week of backups, so it takes a final snapshot when deleted
    // (`database.snapshotOnDelete` defaults to true above one day of backups; dev and test, with one,
    // delete theirs).
    staging: {
      account: '222222222222',
      region: 'af-south-1',
      branch: 'main',
      network: { cidr: '10.2.0.0/16', azCount: 2, nat: 'gateway' },
      service: {
        cpu: 512,
        memoryMiB: 1024,
        minTasks: 1,
        maxTasks: 2,
        capacity: { mixed: { base: 1, spotWeight: 1 } },
      },
      database: {
        instanceClass: 't4g.micro',
        multiAz: false,
        backupRetentionDays: 7,
        deletionProtection: false,
      },
      deploy: { strategy: 'blue-green', bakeMinutes: 5 },
      waf: { enabled: true },
    },

    // Production (in af-south-1): three zones (all Cape Town has), a NAT gateway per zone, three
    // on-demand tasks of each web service at rest, one per zone, with Spot only for what autoscaling
    // adds, Multi-AZ PostgreSQL with deletion protection (and a final snapshot on delete), HTTPS
    // through CloudFront, WAF, alarms emailed to on-call, 10% canary deploys behind an approval.
    // Being protected, it must pass the production-readiness rules (docs/production-readiness.md);
    // it acknowledges none.
    prod: {
      account: '333333333333',
      region: 'af-south-1',
      protected: true,
      branch: 'main',
      promoteFrom: 'staging',
      approval: true,
      network: { cidr: '10.3.0.0/16', azCount: 3, nat: 'gateway-per-az' },
      service: {
        cpu: 1024,
        memoryMiB: 2048,
        // A task per zone at rest. The base keeps all three on on-demand: a Spot reclaim (two
        // minutes' notice, often several tasks at once) then takes only the extra tasks autoscaling
        // started, never the zone coverage. 4 to 6 tasks split 1 : 1 between Spot and on-demand.
        minTasks: 3,
        maxTasks: 6,
        capacity: { mixed: { base: 3, spotWeight: 1 } },
      },
      database: {
        instanceClass: 't4g.small',
        multiAz: true,
        backupRetentionDays: 14,
        deletionProtection: true,
      },
      deploy: { strategy: 'canary', stepPercent: 10, stepBakeMinutes: 10, bakeMinutes: 15 },
      waf: { enabled: true },
      alarms: { email: ['oncall@example.com'] },
    },
  },
});
