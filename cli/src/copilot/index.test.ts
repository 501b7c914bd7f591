// cspell:ignore memroy
/*
 * The importer against Copilot workspaces written from Copilot's manifest documentation:
 *   shop/ — the four service types (web at '/', web on a path pulling an image, backend with
 *           Service Connect, worker subscribing to a topic with spot autoscaling, job on @daily),
 *           two environment manifests (configured VPC; certificates and CDN), per-environment
 *           overrides (count, variables, size, schedule, alias), SSM and Secrets Manager secrets
 *   edge/ — no environment manifest, no web service at '/', a Docker Hub image, unsupported fields
 *           and an unsupported type, secret-looking and unresolvable variables, @every and cron jobs
 * Expected: the printed file evaluates to the config returned, which passes Slipway's own
 * validator and is formatted as Biome formats it; each Copilot field lands where the mapping table says; unsupported ones are reported.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '@slipway/config';
import { describe, expect, it } from 'vitest';
import { type CopilotImport, formatReport, importCopilot } from './index.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}/copilot`, import.meta.url));

/** What the printed file's default export evaluates to (the import line and defineConfig removed). */
function evaluateSource(source: string): unknown {
  const body = source
    .replace("import { defineConfig } from '@slipway/config';", '')
    .replace('export default defineConfig(', 'return (');
  return new Function(body)();
}

type Config = {
  app: Record<string, unknown>;
  services: Record<string, Record<string, unknown>>;
  environments: Record<
    string,
    Record<string, unknown> & { services: Record<string, Record<string, unknown>> }
  >;
};

const findingOf = (r: CopilotImport, subject: string, field: string) =>
  r.findings.find((f) => f.subject === subject && f.field === field);

describe.each(['shop', 'edge'])('importing the %s fixture', (name) => {
  const r = importCopilot({ dir: fixture(name) });

  it('prints a file that evaluates to the imported config', () => {
    expect(evaluateSource(r.source)).toEqual(r.config);
  });

  it('is printed as Biome (the repository formatter) prints it', () => {
    const biome = fileURLToPath(new URL('../../../node_modules/.bin/biome', import.meta.url));
    const formatted = execFileSync(biome, ['format', '--stdin-file-path=slipway.config.ts'], {
      input: r.source,
      encoding: 'utf8',
    });
    expect(r.source).toBe(formatted);
  });

  it("passes Slipway's validator with its placeholders", () => {
    const result = validateConfig(r.config);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('names the Copilot manifest above each service and marks the placeholders', () => {
    for (const service of Object.keys((r.config as Config).services))
      expect(r.source).toMatch(
        new RegExp(`// From copilot/[\\w-]+/manifest.yml \\([\\w -]+\\)\\.\\n\\s+'?${service}'?: \\{`),
      );
    expect(r.source).toContain('// TODO: account and region are placeholders');
  });
});

describe('the shop fixture', () => {
  const r = importCopilot({ dir: fixture('shop') });
  const c = r.config as Config;

  it('maps the four service types', () => {
    expect(Object.fromEntries(Object.entries(c.services).map(([n, s]) => [n, s.type]))).toEqual({
      api: 'web',
      'cost-analyzer': 'worker',
      frontend: 'web',
      orders: 'backend',
      'report-generator': 'job',
    });
  });

  it("makes the web service at '/' the default and routes the other on its path", () => {
    expect(c.services.frontend?.route).toBeUndefined();
    expect(c.services.api?.route).toEqual({ paths: ['/api', '/api/*'] });
  });

  it('maps image.build relative to the config, and image.location to image.uri', () => {
    expect(c.services.frontend?.image).toEqual({
      build: { context: 'frontend', dockerfile: 'frontend/Dockerfile' },
    });
    expect(c.services.orders?.image).toEqual({
      build: { context: 'orders', dockerfile: 'orders/Dockerfile' },
    });
    expect(c.services.api?.image).toEqual({ uri: '123456789012.dkr.ecr.us-west-2.amazonaws.com/api:latest' });
  });

  it('maps secrets from SSM and Secrets Manager, with JSON keys', () => {
    expect(c.services.frontend?.secrets).toEqual({
      GITHUB_TOKEN: { ssmParameter: '/GITHUB_TOKEN' },
      DB_SECRET: { secretsManager: 'mysql' },
    });
    expect(c.services.api?.secrets).toMatchObject({
      STRIPE_KEY: {
        secretsManager: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:demo/test/stripe-Yi6mvL',
        field: 'key',
      },
      WEBHOOK_SECRET: { ssmParameter: '/copilot/shop/webhook' },
    });
    expect(findingOf(r, 'service api', 'secrets.DB_PASSWORD')?.outcome).toBe('not-mapped');
  });

  it('puts count, spot and autoscaling into each environment, with the overrides applied', () => {
    expect(c.environments.test?.services.frontend).toEqual({
      minTasks: 1,
      maxTasks: 1,
      capacity: 'spot',
      environment: { STAGE: 'test' },
    });
    expect(c.environments.prod?.services.frontend).toEqual({
      minTasks: 2,
      maxTasks: 10,
      capacity: { mixed: { base: 2, spotWeight: 1000 } },
      scaleOnCpuPercent: 70,
      scaleOnRequestsPerTarget: 30,
      environment: { LOG_LEVEL: 'warn', STAGE: 'prod' },
    });
    expect(c.environments.test?.services.api).toMatchObject({
      minTasks: 1,
      maxTasks: 10,
      scaleOnMemoryPercent: 80,
    });
    expect(c.environments.prod?.services.api).toMatchObject({ cpu: 1024, memoryMiB: 2048 });
    expect(c.environments.prod?.services.orders).toEqual({ minTasks: 2, maxTasks: 2, capacity: 'on-demand' });
  });

  it("maps the worker's queue and reports its topic subscription as not mapped, with what to do", () => {
    expect(c.services['cost-analyzer']?.queue).toEqual({
      retentionDays: 4,
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: 10,
    });
    expect(c.environments.test?.services['cost-analyzer']).toMatchObject({
      capacity: { mixed: { base: 1, spotWeight: 1000 } },
      messagesPerTask: 2400,
    });
    const topic = findingOf(r, 'service cost-analyzer', 'subscribe.topics[orders/products]');
    expect(topic?.outcome).toBe('not-mapped');
    expect(topic?.why).toContain('<WORKER>_QUEUE_URL');
    expect(c.services.orders?.calls).toEqual(['cost-analyzer']);
  });

  it('maps the job schedule, retries and timeout, and its per-environment schedules', () => {
    expect(c.services['report-generator']).toMatchObject({
      command: ['python', 'report.py', '--all'],
      schedule: 'cron(0 0 * * ? *)',
      retries: 3,
      timeoutMinutes: 60,
    });
    expect(c.environments.test?.services['report-generator']).toEqual({ enabled: false });
    expect(c.environments.prod?.services['report-generator']).toEqual({
      cpu: 2048,
      memoryMiB: 4096,
      schedule: 'cron(0 9 ? * MON-FRI *)',
    });
  });

  it('maps the environments: CIDR, certificate and alias as the domain, prod protected', () => {
    expect(Object.keys(c.environments)).toEqual(['test', 'prod']);
    expect(c.environments.test?.network).toEqual({
      cidr: '10.1.0.0/16',
      azCount: 2,
      flowLogRetentionDays: 30,
    });
    expect(c.environments.prod).toMatchObject({
      protected: true,
      network: { cidr: '10.2.0.0/16' },
      domain: {
        name: 'shop.example.com',
        zone: 'example.com',
        certificateArn: expect.stringMatching(/^arn:aws:acm:us-east-1:/),
      },
      acknowledge: { singleTask: expect.stringContaining('TODO') },
    });
    expect(c.environments.test?.protected).toBeUndefined();
  });

  it('reports the addons and every unsupported field', () => {
    expect(findingOf(r, 'app', 'copilot/api/addons')?.outcome).toBe('not-mapped');
    for (const field of ['http.stickiness', 'count.response_time', 'publish'])
      expect(
        r.findings.some((f) => f.field === field && f.outcome === 'not-mapped'),
        field,
      ).toBe(true);
    expect(findingOf(r, 'service report-generator', 'env_file')?.outcome).toBe('not-mapped');
  });

  it('prints the report grouped by service, with the totals', () => {
    const text = formatReport(r.findings);
    expect(text).toMatch(/^service frontend \(copilot\/frontend\/manifest.yml\)\n {2}mapped:\n/m);
    expect(text).toMatch(/\d+ mapped, \d+ approximated, \d+ not mapped\n$/);
  });
});

describe('the edge fixture', () => {
  const r = importCopilot({ dir: fixture('edge') });
  const c = r.config as Config;

  it('makes the only web service the default when none is at /', () => {
    expect(c.services.web?.route).toBeUndefined();
    expect(findingOf(r, 'service web', 'http.path')?.outcome).toBe('mapped');
    expect(
      r.findings.some((f) => f.subject === 'service web' && f.to === 'route' && f.outcome === 'approximated'),
    ).toBe(true);
  });

  it('skips an unsupported service type and says so', () => {
    expect(c.services.preview).toBeUndefined();
    expect(findingOf(r, 'service preview', 'type')?.outcome).toBe('not-mapped');
  });

  it('does not write variables Slipway would refuse, and reports each', () => {
    expect(c.services.web?.environment).toBeUndefined();
    for (const v of ['API_TOKEN', 'feature_flag', 'REGION_HINT', 'DB_HOST'])
      expect(findingOf(r, 'service web', `variables.${v}`)?.outcome, v).toBe('not-mapped');
    expect(findingOf(r, 'service web', 'secrets.ENV_SPECIFIC')?.outcome).toBe('not-mapped');
    expect(findingOf(r, 'service web', 'sidecars')?.outcome).toBe('not-mapped');
  });

  it('converts @every and a day-of-month cron, and caps retries', () => {
    expect(c.services.cleanup).toMatchObject({ schedule: 'rate(2 hours)', retries: 10, timeoutMinutes: 2 });
    expect(c.environments.production?.services.cleanup).toEqual({ schedule: 'cron(30 4 1 * ? *)' });
  });

  it('creates environments named only in overrides, with a placeholder account and region', () => {
    expect(c.environments.production).toMatchObject({
      account: '111111111111',
      region: 'us-east-1',
      protected: true,
    });
    expect(r.source).toContain("No Copilot manifest: the services' environments overrides name it.");
  });

  it('reports placement, security groups and a misspelt key instead of dropping them', () => {
    expect(findingOf(r, 'service events', 'network.vpc.placement')?.outcome).toBe('approximated');
    expect(findingOf(r, 'service events', 'network.vpc.security_groups')?.outcome).toBe('not-mapped');
    expect(findingOf(r, 'service events', 'memroy')?.outcome).toBe('not-mapped');
    expect(findingOf(r, 'service events', 'subscribe.queue.fifo')?.outcome).toBe('not-mapped');
  });

  it('reports a per-environment value Slipway cannot vary', () => {
    expect(findingOf(r, 'service web', 'environments.production.image')?.outcome).toBe('not-mapped');
  });
});
