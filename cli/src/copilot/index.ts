import { basename, dirname, relative, resolve } from 'node:path';
import { READINESS_RULES, validateConfig } from '@slipway/config';
import { isProductionName, mapEnvironment } from './environment.ts';
import { commented, type Printable, plain, print } from './print.ts';
import { readWorkspace } from './read.ts';
import { type Finding, Findings } from './report.ts';
import { type ImportedService, importService } from './services.ts';
import { isMap } from './values.ts';

export { CopilotReadError } from './read.ts';
export { type Finding, formatReport } from './report.ts';

/*
 * `slipway init --from-copilot`: a Copilot workspace as a `slipway.config.ts` in the `services`
 * form, with the report of every field. The generated file validates with Slipway's own validator
 * once its placeholders (accounts, regions) are what they are: the placeholders are valid values.
 */

export interface CopilotImport {
  /** The text of `slipway.config.ts`. */
  readonly source: string;
  /** The config the source evaluates to (what `validateConfig` checks). */
  readonly config: unknown;
  readonly findings: readonly Finding[];
}

/** Lowercase letters, digits and hyphens, starting with a letter, at most `max` characters. */
function slug(name: string, max: number): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return s.length >= 2 ? s : `x${s || 'x'}`;
}

const ORDER = ['dev', 'development', 'test', 'qa', 'staging', 'stage', 'preprod', 'prod', 'production'];
const rank = (name: string) => {
  const i = ORDER.indexOf(name.split('-')[0] ?? name);
  return i === -1 ? (isProductionName(name) ? ORDER.length : ORDER.indexOf('staging')) : i;
};

/** The Copilot environments: each manifest, then names only services' overrides mention; in promotion order. */
function environmentNames(ws: ReturnType<typeof readWorkspace>): { name: string; copilot: string }[] {
  const names = new Set(
    ws.environments.map((e) => (typeof e.manifest.name === 'string' ? e.manifest.name : e.name)),
  );
  for (const w of ws.workloads)
    if (isMap(w.manifest.environments)) for (const n of Object.keys(w.manifest.environments)) names.add(n);
  return [...names]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((copilot) => ({ copilot, name: slug(copilot, 12) }));
}

/** The web service with no route: Copilot's `http.path: '/'`, else the first web service. */
function chooseDefaultWeb(services: ImportedService[], findings: Findings): void {
  const webs = services.filter((s) => s.mapped.type === 'web');
  if (webs.length === 0 || webs.some((s) => s.mapped.service.route === undefined)) return;
  const first = webs[0] as ImportedService;
  delete first.mapped.service.route;
  findings
    .for(`service ${first.name}`, first.file)
    .approximated(
      'http.path',
      "no web service had path '/': this one takes every request no other route matches (Slipway needs exactly one such)",
      'route',
    );
}

/**
 * `calls`: every service may reach every backend (as in a Copilot environment), and a publisher its
 * subscribed workers. A job is the exception: it runs as a one-off task, which cannot join Service
 * Connect, so Slipway rejects a job that calls a backend; the report says so instead.
 */
function addCalls(services: ImportedService[], findings: Findings): void {
  const backends = services.filter((s) => s.mapped.type === 'backend').map((s) => s.name);
  for (const s of services) {
    const job = s.mapped.type === 'job';
    if (job && backends.length > 0)
      findings
        .for(`service ${s.name}`, s.file)
        .notMapped(
          '(service discovery)',
          `a job runs as a one-off task, which cannot reach the backends (${backends.join(', ')}); let it send work to a worker that calls them`,
        );
    const calls = new Set(job ? [] : backends.filter((b) => b !== s.name));
    for (const w of services.filter((w) => w.mapped.type === 'worker')) {
      const sub = w.effective[Object.keys(w.effective)[0] ?? '']?.subscribe;
      const topics = isMap(sub) && Array.isArray(sub.topics) ? sub.topics : [];
      if (topics.some((t) => isMap(t) && slug(String(t.service), 20) === s.name)) calls.add(w.name);
    }
    if (calls.size === 0) continue;
    s.mapped.service.calls = [...calls];
    findings
      .for(`service ${s.name}`, s.file)
      .approximated(
        '(service discovery, publish)',
        `calls ${[...calls].join(', ')}: in Copilot every service of an environment reached every backend, and a publisher reached its subscribers through SNS; narrow the list to what the code calls`,
        'calls',
      );
  }
}

function servicesTree(services: ImportedService[]): Record<string, Printable> {
  const tree: Record<string, Printable> = {};
  for (const s of services)
    tree[s.name] = commented(s.mapped.service, [`From ${s.file} (${s.copilotType}).`]);
  return tree;
}

/** Acknowledges, with a TODO reason, each readiness risk a protected environment takes because Copilot ran it so. */
function acknowledgeImportedRisks(
  config: Record<string, unknown>,
  findings: Findings,
  files: Record<string, string>,
): void {
  const result = validateConfig(plain(config as Printable));
  if (result.ok) return;
  const envs = config.environments as Record<string, Record<string, Printable>>;
  for (const e of result.errors) {
    const rule = READINESS_RULES.find((r) => r.id === e.code);
    const env = /^environments\.([^.]+)\./.exec(e.path)?.[1];
    if (!rule || !env || !envs[env]) continue;
    const ack = { ...((envs[env].acknowledge ?? {}) as Record<string, Printable>) };
    ack[rule.key] = `TODO: imported from Copilot, which ran ${env} without ${rule.title}`;
    envs[env].acknowledge = ack;
    findings
      .for(`environment ${env}`, files[env] ?? '')
      .approximated(
        `(readiness: ${rule.title})`,
        `Copilot's settings take this risk in a protected environment; acknowledged with a TODO reason: ${rule.fix}, then remove the acknowledgement`,
        `acknowledge.${rule.key}`,
      );
  }
}

/** Each Copilot environment as a Slipway one, with the services' settings there; `dev` when there is none. */
function buildEnvironments(
  ws: ReturnType<typeof readWorkspace>,
  envs: { name: string; copilot: string }[],
  services: ImportedService[],
  findings: Findings,
): { environments: Record<string, Printable>; files: Record<string, string> } {
  const defaultWeb = services.find((s) => s.mapped.type === 'web' && s.mapped.service.route === undefined);
  const environments: Record<string, Printable> = {};
  const files: Record<string, string> = {};
  envs.forEach(({ name, copilot }, index) => {
    const file = ws.environments.find((e) => e.name === copilot || e.manifest.name === copilot);
    files[name] = file?.file ?? '(no manifest)';
    const rec = findings.for(`environment ${name}`, files[name]);
    if (name !== copilot)
      rec.approximated('name', `"${copilot}" became "${name}" (lowercase, at most 12 characters)`);
    const alias = aliasOf(defaultWeb?.effective[copilot]);
    const env = mapEnvironment({ name, index, manifest: file?.manifest, ...(alias ? { alias } : {}) }, rec);
    const settings = Object.fromEntries(
      services.filter((s) => s.perEnv[copilot]).map((s) => [s.name, s.perEnv[copilot] as Printable]),
    );
    if (Object.keys(settings).length > 0) env.services = settings;
    environments[name] = env;
  });
  if (envs.length === 0) {
    environments.dev = mapEnvironment(
      { name: 'dev', index: 0, manifest: undefined },
      findings.for('environment dev', '(none)'),
    );
    files.dev = '(none)';
  }
  return { environments, files };
}

export interface ImportOptions {
  /** The Copilot folder, e.g. `/repo/copilot`. */
  readonly dir: string;
  /** The folder `slipway.config.ts` goes to (paths in it are relative to it). @default the folder holding the Copilot folder */
  readonly configDir?: string;
}

/** Reads a Copilot workspace and returns the config source, its value and the report. */
export function importCopilot(options: ImportOptions): CopilotImport {
  const dir = resolve(options.dir);
  const workspaceRoot = dirname(dir);
  const configDir = resolve(options.configDir ?? workspaceRoot);
  const ws = readWorkspace(dir, workspaceRoot);
  const findings = new Findings();
  const appRec = findings.for(
    'app',
    ws.application ? relative(workspaceRoot, `${dir}/.workspace`) : relative(workspaceRoot, dir),
  );
  const appName = slug(ws.application ?? basename(workspaceRoot), 20);
  if (ws.application === appName) appRec.mapped('application', 'the app name', 'app.name');
  else
    appRec.approximated(
      'application',
      `"${ws.application ?? '(no .workspace)'}" became "${appName}" (lowercase letters, digits, hyphens, at most 20)`,
      'app.name',
    );
  appRec.approximated(
    '(storage addons)',
    'not imported: database is false. For PostgreSQL, set app.database: {} and services.<name>.database: true; move the data yourself (docs/migrating.md)',
    'app.database',
  );
  appRec.approximated(
    '(container user)',
    "Copilot ran each image's USER (root when the image sets none); Slipway runs every container as 1000:1000 unless the service sets user, and never as root: make the images work as a non-root user",
    'services.<name>.user',
  );
  for (const extra of ws.extras)
    appRec.notMapped(
      extra,
      extra.includes('pipeline')
        ? "Slipway's GitHub Actions workflows replace Copilot pipelines (docs/pipelines.md)"
        : 'CloudFormation addons are not imported; see docs/migrating.md, "Addons"',
    );
  const envs = environmentNames(ws);
  const names = envs.map((e) => e.copilot);
  const services: ImportedService[] = [];
  const used = new Set<string>();
  for (const w of ws.workloads) {
    let name = slug(typeof w.manifest.name === 'string' ? w.manifest.name : w.name, 20);
    while (used.has(name)) name = `${name.slice(0, 18)}-${used.size}`;
    used.add(name);
    const imported = importService(w, name, appName, names, findings, { workspaceRoot, configDir });
    if (imported) services.push(imported);
  }
  chooseDefaultWeb(services, findings);
  addCalls(services, findings);
  const { environments, files } = buildEnvironments(ws, envs, services, findings);
  const tree: Record<string, Printable> = {
    app: { name: appName, database: false },
    services: servicesTree(services),
    environments,
  };
  acknowledgeImportedRisks(tree as Record<string, unknown>, findings, files);
  const config = plain(tree);
  return {
    source: render(tree, files, relative(configDir, dir) || '.', ws.application),
    config,
    findings: findings.list,
  };
}

/** The first `http.alias` of a web service in one environment (string, list of strings, or list of { name, hosted_zone }). */
function aliasOf(manifest: Record<string, unknown> | undefined): { name: string; zone?: string } | undefined {
  const http = manifest && isMap(manifest.http) ? manifest.http : undefined;
  const alias = http?.alias;
  const first = Array.isArray(alias) ? alias[0] : alias;
  const zone = typeof http?.hosted_zone === 'string' ? http.hosted_zone : undefined;
  if (typeof first === 'string') return zone ? { name: first, zone } : { name: first };
  if (isMap(first) && typeof first.name === 'string')
    return typeof first.hosted_zone === 'string'
      ? { name: first.name, zone: first.hosted_zone }
      : { name: first.name };
  return undefined;
}

function render(
  tree: Record<string, Printable>,
  files: Record<string, string>,
  from: string,
  application: string | undefined,
): string {
  const envs = tree.environments as Record<string, Printable>;
  for (const [name, env] of Object.entries(envs))
    envs[name] = commented(env, [
      files[name]?.startsWith('(')
        ? "No Copilot manifest: the services' environments overrides name it."
        : `From ${files[name]}.`,
      'TODO: account and region are placeholders (Copilot keeps them outside the manifests); replace them.',
    ]);
  const body: Record<string, Printable> = {
    app: commented(tree.app as Printable, [
      'database: false because Copilot storage addons are not imported (docs/migrating.md, "Addons").',
    ]),
    services: tree.services as Printable,
    environments: tree.environments as Printable,
  };
  return [
    "import { defineConfig } from '@slipway/config';",
    '',
    `// Generated by \`slipway init --from-copilot\` from ${from}/${application ? ` (Copilot application "${application}")` : ''}.`,
    '// The import report lists every Copilot field as mapped, approximated or not mapped, and why; the',
    '// TODO lines mark what to finish by hand. Keys are documented in docs/reference/config.md.',
    `export default defineConfig(${print(body)});`,
    '',
  ].join('\n');
}
