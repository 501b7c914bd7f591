/*
 * Grafana provisioning, from the repository folder to the container:
 *   - the committed dashboards are what the generator makes from the metric catalog (stale → fail,
 *     regenerate with `npx tsx infra/src/constructs/grafana/generate.ts`)
 *   - every committed dashboard is valid JSON with a uid, CloudWatch targets on the provisioned
 *     data source, and only the resource variables the observability stack fills
 *   - per environment with Grafana: the dashboards the task definition carries parse; the data
 *     source baked into the image is CloudWatch with the task role (authType default, no keys) in
 *     the region of the container's AWS_REGION, the environment's; the baked dashboard provider
 *     reads the directory the start script writes the dashboards to; the start script writes
 *     every file and then runs Grafana's /run.sh; access-key auth is off
 *   - the database dashboard is provisioned only with a database
 *   - the start script, run by a real /bin/sh, writes every file byte for byte (quotes, %, $ and
 *     backslashes in the content included), replaces earlier provisioning and then execs Grafana
 *   - the container definition stays well under ECS's 64 KiB task definition limit
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Synthesized, shippedConfig, synth } from '@slipway/testing/synth';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { generateDashboards } from './dashboard-generator.ts';
import {
  CONTAINER_DASHBOARDS_PATH,
  DASHBOARDS_DIR,
  GRAFANA_DATA_PATH,
  PROVISIONING_DIR,
  renderDashboard,
  renderProvisioning,
  startScript,
} from './provisioning.ts';
import { CLOUDWATCH_DATASOURCE_UID, GRAFANA_VARIABLES } from './variables.ts';

// Synthesizing the whole app takes seconds, far longer on a loaded CI runner: a generous hook limit.
const SYNTH_TIMEOUT_MS = 120_000;

type Env = { Name: string; Value: unknown };

let synthesized: Synthesized;
// Only the per-environment suites synthesize (the committed-file and script tests need no app).
const synthesizeShipped = async () => {
  synthesized ??= synth(await shippedConfig());
};

function grafanaContainer(env: string) {
  const stack = synthesized.stacks[env]?.observability;
  if (!stack) throw new Error(`no observability stack for ${env}`);
  const tasks = Object.values(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition')) as {
    Properties: {
      ContainerDefinitions: { Name: string; Environment: Env[]; Command: string[]; EntryPoint: string[] }[];
    };
  }[];
  return tasks.flatMap((t) => t.Properties.ContainerDefinitions).find((c) => c.Name === 'grafana');
}

/** The provisioned files of an environment: path (from the start script) → content (tokens as placeholders). */
function provisionedFiles(env: string): Map<string, string> {
  const container = grafanaContainer(env);
  if (!container) throw new Error(`no Grafana in ${env}`);
  const script = container.Command[0] ?? '';
  const variables = new Map(container.Environment.map((e) => [e.Name, e.Value]));
  const files = new Map<string, string>();
  for (const [, variable, path] of script.matchAll(/printf '%s\\n' "\$(\w+)" > '([^']+)'/g)) {
    const value = variables.get(variable as string);
    files.set(path as string, flatten(value));
  }
  return files;
}

// An Fn::Join value as text, each reference replaced by a placeholder naming it.
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return join[1]
    .map((p) => (typeof p === 'string' ? p : `REF(${JSON.stringify(p).replace(/"/g, "'")})`))
    .join(join[0]);
}

describe('committed dashboards', () => {
  it('are exactly what the generator makes from the metric catalog', () => {
    for (const d of generateDashboards()) {
      // Compared as JSON: the committed files are formatted by Biome after generation.
      expect(JSON.parse(readFileSync(new URL(d.file, DASHBOARDS_DIR), 'utf8')), `${d.file} is stale`).toEqual(
        JSON.parse(d.json),
      );
    }
    expect(
      readdirSync(DASHBOARDS_DIR)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(
      generateDashboards()
        .map((d) => d.file)
        .sort(),
    );
  });

  it.each(readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json')))(
    '%s is a valid dashboard querying the provisioned CloudWatch data source through resource variables',
    (file) => {
      const dashboard = JSON.parse(readFileSync(new URL(file, DASHBOARDS_DIR), 'utf8')) as {
        uid: string;
        templating: { list: { name: string; type: string }[] };
        panels: {
          type: string;
          targets?: { datasource: { uid: string }; dimensions: Record<string, string> }[];
        }[];
      };
      expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
      const names = new Set<string>(Object.values(GRAFANA_VARIABLES));
      const variables = dashboard.templating.list;
      expect(variables.every((v) => v.type === 'constant' && names.has(v.name))).toBe(true);
      const targets = dashboard.panels.flatMap((p) => p.targets ?? []);
      expect(targets.length).toBeGreaterThan(0);
      for (const t of targets) {
        expect(t.datasource.uid).toBe(CLOUDWATCH_DATASOURCE_UID);
        for (const value of Object.values(t.dimensions)) {
          expect(variables.map((v) => `$${v.name}`)).toContain(value);
        }
      }
    },
  );

  it('leaves out a dashboard whose resource the environment lacks', () => {
    const json = readFileSync(new URL('slipway-database.json', DASHBOARDS_DIR), 'utf8');
    const resources = {
      loadBalancer: 'lb',
      blueTargetGroup: 'b',
      greenTargetGroup: 'g',
      cluster: 'c',
      service: 's',
    };
    expect(renderDashboard(json, resources)).toBeUndefined();
    expect(renderDashboard(json, { ...resources, dbInstance: 'db-1' })).toContain('"query":"db-1"');
  });
});

describe('the start script', () => {
  it('writes every file byte for byte with /bin/sh, removes stale provisioning, then runs Grafana', () => {
    const root = mkdtempSync(join(tmpdir(), 'slipway-grafana-'));
    const resources = {
      loadBalancer: `app/x/1 '%s' $HOME \\n "q"`,
      blueTargetGroup: 'b',
      greenTargetGroup: 'g',
      cluster: 'c',
      service: 's',
      dbInstance: 'd',
    };
    const files = renderProvisioning({ resources });
    const script = startScript(files, `echo started > '${GRAFANA_DATA_PATH}/ran'`).replaceAll(
      GRAFANA_DATA_PATH,
      root,
    );
    spawnSync('mkdir', ['-p', join(root, 'dashboards')]);
    spawnSync('touch', [join(root, 'dashboards', 'deleted-from-repo.json')]);
    const env = Object.fromEntries(files.map((f) => [f.variable, f.content]));
    const run = spawnSync('/bin/sh', ['-c', script], {
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const f of files) {
      expect(readFileSync(f.path.replace(GRAFANA_DATA_PATH, root), 'utf8')).toBe(`${f.content}\n`);
    }
    expect(readdirSync(join(root, 'dashboards')).sort()).toEqual([
      'slipway-database.json',
      'slipway-service.json',
    ]);
    expect(readFileSync(join(root, 'ran'), 'utf8')).toBe('started\n');
  });
});

describe.each(['dev', 'staging', 'prod'])('%s Grafana provisioning', (env) => {
  beforeAll(synthesizeShipped, SYNTH_TIMEOUT_MS);

  it('provisions the CloudWatch data source with the task role, in the environment region', () => {
    const region = synthesized.stacks[env]?.environment.region;
    const baked = readFileSync(new URL('datasources/cloudwatch.yaml', PROVISIONING_DIR), 'utf8');
    const yaml = parseYaml(baked) as {
      datasources: {
        type: string;
        uid: string;
        jsonData: Record<string, string>;
        secureJsonData?: unknown;
      }[];
    };
    expect(yaml.datasources).toEqual([
      expect.objectContaining({
        type: 'cloudwatch',
        uid: CLOUDWATCH_DATASOURCE_UID,
        // Grafana expands ${AWS_REGION} from the container's environment when it reads the file.
        jsonData: { authType: 'default', defaultRegion: ['$', '{AWS_REGION}'].join('') },
      }),
    ]);
    expect(yaml.datasources[0]?.secureJsonData).toBeUndefined();
    const variables = Object.fromEntries(
      (grafanaContainer(env)?.Environment ?? []).map((e) => [e.Name, e.Value]),
    );
    expect(variables.GF_AWS_ALLOWED_AUTH_PROVIDERS).toBe('default');
    expect(variables.AWS_REGION).toBe(region);
  });

  it('points the dashboard provider at the directory the dashboards are written to', () => {
    const files = provisionedFiles(env);
    const baked = readFileSync(new URL('dashboards/slipway.yaml', PROVISIONING_DIR), 'utf8');
    const yaml = parseYaml(baked) as {
      providers: { type: string; options: { path: string } }[];
    };
    expect(yaml.providers.map((p) => [p.type, p.options.path])).toEqual([
      ['file', CONTAINER_DASHBOARDS_PATH],
    ]);
    const dashboards = [...files.keys()].filter((p) => p.startsWith(`${CONTAINER_DASHBOARDS_PATH}/`));
    const hasDatabase = synthesized.stacks[env]?.data !== undefined;
    expect(dashboards.map((p) => p.split('/').pop())).toEqual(
      hasDatabase ? ['slipway-database.json', 'slipway-service.json'] : ['slipway-service.json'],
    );
  });

  it('writes every provisioned file before starting Grafana', () => {
    const container = grafanaContainer(env);
    expect(container?.EntryPoint).toEqual(['/bin/sh', '-c']);
    const script = container?.Command[0] ?? '';
    const carried = (container?.Environment ?? []).filter((e) => e.Name.startsWith('SLIPWAY_PROVISION_'));
    expect(provisionedFiles(env).size).toBe(carried.length);
    expect(script.split('\n').at(-1)).toBe('exec /run.sh');
    expect(script.split('\n')[0]).toBe('set -eu');
  });

  it('fills the dashboards variables with the environment resources', () => {
    const files = provisionedFiles(env);
    const service = files.get(`${CONTAINER_DASHBOARDS_PATH}/slipway-service.json`) ?? '';
    const dashboard = JSON.parse(service) as { templating: { list: { name: string; query: string }[] } };
    const queries = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v.query]));
    expect(queries.load_balancer).toMatch(/^REF\(.*loadbalancerfullname/);
    expect(queries.cluster).toMatch(/^REF\(.*clustername/);
    expect(queries.blue_target_group).toMatch(/^REF\(.*bluetargetgroupfullname/);
  });

  it('keeps the container definition under half of the 64 KiB task definition limit', () => {
    expect(JSON.stringify(grafanaContainer(env)).length).toBeLessThan(32 * 1024);
  });
});
