import { defineConfig } from '@slipway/config';

// The Django example's deployment (examples/django/README.md). Paths are relative to this file:
// both services run the image built from this folder's Dockerfile. Account ids are placeholders.
export default defineConfig({
  // With `services`, `app` holds only the name and the database; each service has its own keys.
  app: { name: 'notes-django', database: { name: 'app', engineVersion: '18' } },

  services: {
    web: {
      type: 'web',
      image: { build: { context: '.', dockerfile: 'Dockerfile' } },
      port: 8000,
      healthPath: '/health',
      readyPath: '/ready',
      // The image has no node: ECS runs the image's own check (stdlib urllib against /health).
      healthCheck: ['python', 'healthcheck.py'],
      database: true,
      // Run as a one-off task in this image before new tasks start.
      migrate: ['python', 'manage.py', 'migrate', '--noinput'],
      secrets: { DJANGO_SECRET_KEY: { secretsManager: 'notes-django/secret-key' } },
      // web sends to the worker's queue (it gets WORKER_QUEUE_URL).
      calls: ['worker'],
    },
    // Consumes its own SQS queue (QUEUE_URL) with the web service's image.
    worker: {
      type: 'worker',
      image: { from: 'web' },
      command: ['python', 'manage.py', 'process_queue'],
      database: true,
      secrets: { DJANGO_SECRET_KEY: { secretsManager: 'notes-django/secret-key' } },
    },
  },

  github: { owner: 'example-org', repository: 'notes-django' },
  previews: { from: 'dev' },

  environments: {
    // Everything cheap: Fargate Spot, one small task, a NAT instance, single-AZ t4g.micro.
    dev: {
      account: '111111111111',
      region: 'us-east-1',
      branch: 'dev',
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

    // Production-like, in production's region: one NAT gateway, blue/green deploys, WAF on.
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

    // Production (in af-south-1): two tasks at rest (one on-demand, one Spot) in two zones, a NAT
    // gateway per zone, Multi-AZ PostgreSQL with deletion protection, HTTPS through CloudFront, WAF,
    // alarms emailed to on-call, 10% canary deploys behind an approval. Being protected, it must
    // pass the production-readiness rules (docs/production-readiness.md); it acknowledges none.
    prod: {
      account: '333333333333',
      region: 'af-south-1',
      protected: true,
      branch: 'main',
      promoteFrom: 'staging',
      approval: true,
      network: { cidr: '10.3.0.0/16', azCount: 2, nat: 'gateway-per-az' },
      service: {
        cpu: 1024,
        memoryMiB: 2048,
        minTasks: 2,
        maxTasks: 4,
        capacity: { mixed: { base: 1, spotWeight: 1 } },
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
