import type { Printable } from './print.ts';
import type { ManifestFile } from './read.ts';
import { Findings, type Recorder } from './report.ts';
import { type MapContext, type MappedService, mapService } from './service.ts';
import { applyOverride, copilotVariable, interpolate, isMap } from './values.ts';

/*
 * A service manifest across environments. Copilot writes one manifest with per-environment
 * `environments.<env>` overrides (site/content/docs/include/environments.en.md); Slipway declares a
 * service once (`services.<name>`) and keeps per-environment settings under
 * `environments.<env>.services.<name>`. So the manifest is mapped once as written, then once per
 * environment with that environment's overrides and names applied (what Copilot deploys there);
 * what differs goes into the environment's settings, or into the report where Slipway cannot
 * vary it per environment.
 */

/** Stands for the environment name while the manifest is mapped as written. */
const ANY_ENV = '\u0000env\u0000';
const hasAnyEnv = (value: unknown) => JSON.stringify(value).includes('\\u0000env\\u0000');

export interface ImportedService {
  readonly name: string;
  readonly file: string;
  readonly copilotType: string;
  readonly mapped: MappedService;
  /** `environments.<env>.services.<name>` per environment. */
  readonly perEnv: Record<string, Record<string, Printable>>;
  /** The effective manifest per environment (for aliases and subscriptions). */
  readonly effective: Record<string, Record<string, unknown>>;
}

/** Keys Slipway can set per environment; other differences are reported. */
const PER_ENV_SERVICE_KEYS = ['cpu', 'memoryMiB'];

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const ENV_NAME = copilotVariable('COPILOT_ENVIRONMENT_NAME');

/**
 * The manifest without the secrets whose name depends on the environment: a Slipway service's
 * secrets are the same in every environment, so they are reported instead of mapped.
 */
function withoutEnvSecrets(manifest: Record<string, unknown>, rec: Recorder): Record<string, unknown> {
  if (!isMap(manifest.secrets)) return manifest;
  const kept = Object.entries(manifest.secrets).filter(([k, v]) => {
    if (!JSON.stringify(v).includes(ENV_NAME)) return true;
    rec.notMapped(
      `secrets.${k}`,
      `the name depends on ${ENV_NAME}, and a Slipway service's secrets are the same in every environment: use one name (each environment's account holds its own value)`,
    );
    return false;
  });
  return { ...manifest, secrets: Object.fromEntries(kept) };
}

/** Variables whose value depends on the environment name go to each environment's settings only. */
function withoutEnvVariables(mapped: MappedService): void {
  const env = mapped.service.environment as Record<string, Printable> | undefined;
  for (const [k, v] of Object.entries(env ?? {})) if (hasAnyEnv(v)) delete env?.[k];
  if (env && Object.keys(env).length === 0) delete mapped.service.environment;
}

/** One environment's settings: the task settings, and what differs from the service as declared. */
function envSettings(
  base: MappedService,
  here: MappedService,
  env: string,
  rec: Recorder,
): Record<string, Printable> {
  const out: Record<string, Printable> = { ...here.settings };
  for (const key of PER_ENV_SERVICE_KEYS)
    if (here.service[key] !== undefined && !same(here.service[key], base.service[key]))
      out[key] = here.service[key] as Printable;
  const vars = (here.service.environment ?? {}) as Record<string, Printable>;
  const baseVars = (base.service.environment ?? {}) as Record<string, Printable>;
  const changed = Object.fromEntries(Object.entries(vars).filter(([k, v]) => !same(v, baseVars[k])));
  if (Object.keys(changed).length > 0) out.environment = changed;
  if (here.type === 'job') {
    if (!same(here.service.schedule, base.service.schedule) && out.enabled !== false)
      out.schedule = here.service.schedule as Printable;
    if (out.enabled === undefined && base.settings.enabled === false) out.enabled = true;
  }
  const fixed = Object.keys({ ...here.service, ...base.service }).filter(
    (k) =>
      !PER_ENV_SERVICE_KEYS.includes(k) && k !== 'environment' && !same(here.service[k], base.service[k]),
  );
  for (const key of fixed)
    if (!(key === 'schedule' && here.type === 'job'))
      rec.notMapped(
        `environments.${env}.${key}`,
        `differs in ${env}, and Slipway sets a service's ${key} once for every environment; kept the value the manifest declares outside environments`,
      );
  return out;
}

/** Maps one service manifest for every environment, recording findings under `service <name>`. */
export function importService(
  file: ManifestFile,
  name: string,
  app: string,
  environments: readonly string[],
  findings: Findings,
  ctx: Omit<MapContext, 'rec'>,
): ImportedService | undefined {
  const rec = findings.for(`service ${name}`, file.file);
  const { environments: overrides, ...declared } = file.manifest;
  const written = withoutEnvSecrets(declared, rec);
  const base = mapService(interpolate(written, { app, env: ANY_ENV }) as Record<string, unknown>, {
    ...ctx,
    rec,
  });
  if (!base) return undefined;
  withoutEnvVariables(base);
  const known = new Set(
    findings.list.filter((f) => f.subject === `service ${name}`).map((f) => `${f.field} ${f.why}`),
  );
  const perEnv: Record<string, Record<string, Printable>> = {};
  const effective: Record<string, Record<string, unknown>> = {};
  const over = isMap(overrides) ? overrides : {};
  for (const env of environments) {
    const manifest = interpolate(applyOverride(written, over[env]), { app, env }) as Record<string, unknown>;
    effective[env] = manifest;
    const scratch = new Findings();
    const here = mapService(manifest, { ...ctx, rec: scratch.for('', '') });
    if (!here) continue;
    for (const f of scratch.list) {
      if (known.has(`${f.field} ${f.why}`)) continue;
      const add =
        f.outcome === 'mapped' ? rec.mapped : f.outcome === 'approximated' ? rec.approximated : rec.notMapped;
      add(`environments.${env}.${f.field}`, f.why, f.to);
    }
    perEnv[env] = envSettings(base, here, env, rec);
  }
  for (const env of Object.keys(over).filter((e) => !environments.includes(e)))
    rec.notMapped(
      `environments.${env}`,
      `${env} is not one of the imported environments (${environments.join(', ')})`,
    );
  return { name, file: file.file, copilotType: String(file.manifest.type), mapped: base, perEnv, effective };
}
