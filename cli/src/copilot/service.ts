import { imageSchema } from '@slipway/config';
import { isReservedVariable } from '@slipway/config/contract';
import { mapCount, type ServiceKind } from './count.ts';
import type { Printable } from './print.ts';
import type { Manifest } from './read.ts';
import type { Recorder } from './report.ts';
import { mapSecret } from './secrets.ts';
import { mapHttp, mapJob, mapWorker } from './service-types.ts';
import {
  buildPaths,
  commandWords,
  fromConfig,
  imageUri,
  isMap,
  reportUnknown,
  unresolved,
} from './values.ts';

/*
 * One Copilot service or job manifest, with one environment's overrides applied, as a Slipway
 * service (`services.<name>`, config/src/schema/services.ts) and that environment's settings for it
 * (`environments.<env>.services.<name>`). The fields are those of `TaskConfig`, `ImageWithPort…`
 * and the per-type configs in internal/pkg/manifest/{lb_web_svc,backend_svc,worker_svc,job}.go.
 */

/** Copilot's `type` → Slipway's service type. */
export const TYPES: Record<string, ServiceKind> = {
  'Load Balanced Web Service': 'web',
  'Backend Service': 'backend',
  'Worker Service': 'worker',
  'Scheduled Job': 'job',
};

export interface MapContext {
  readonly rec: Recorder;
  /** The folder holding `copilot/` (Copilot's paths are relative to it). */
  readonly workspaceRoot: string;
  /** The folder the config is written to. */
  readonly configDir: string;
}

export interface MappedService {
  readonly type: ServiceKind;
  /** `services.<name>` keys. */
  readonly service: Record<string, Printable>;
  /** `environments.<env>.services.<name>` keys. */
  readonly settings: Record<string, Printable>;
  /** The `image.build` paths, for the comment of the service. */
  readonly source?: string;
}

/** Keys with no Slipway equivalent, and what to do instead. */
const NOT_MAPPED: Record<string, string> = {
  sidecars:
    'Slipway runs one container per task; fold the sidecar into the image or run it as its own service',
  logging: 'Slipway sends container logs to CloudWatch Logs; FireLens routing is not available',
  storage:
    "no EFS volumes or extra ephemeral storage for services; Fargate's 20 GiB of ephemeral storage applies",
  taskdef_overrides: 'Slipway writes the task definition itself; there is no override mechanism',
  publish:
    'Slipway has no SNS topics: a service sends to a worker by listing it in calls (it gets <WORKER>_QUEUE_URL), and the code sends to that queue instead of publishing',
  env_file: 'Slipway does not read env files from S3; move the variables into environment (or secrets)',
  deployment:
    "Slipway deploys with the environment's strategy (environments.<env>.deploy) and rolls back on its own alarms",
  observability: 'Slipway does not add the X-Ray (ADOT) sidecar; instrument the app to send traces itself',
  nlb: 'Slipway serves web services through CloudFront and an Application Load Balancer; there is no Network Load Balancer',
  platform: 'Slipway runs linux/x86_64 tasks; build the image for that platform',
};

/** The top-level fields each type's mapper reads (the others are reported). */
const COMMON = [
  'name',
  'type',
  'image',
  'command',
  'entrypoint',
  'cpu',
  'memory',
  'exec',
  'variables',
  'secrets',
  'network',
  'environments',
];
const HANDLED: Record<ServiceKind, readonly string[]> = {
  web: [...COMMON, 'count', 'http'],
  backend: [...COMMON, 'count', 'http'],
  worker: [...COMMON, 'count', 'subscribe'],
  job: [...COMMON, 'on', 'retries', 'timeout'],
};

function image(m: Manifest, ctx: MapContext): { value?: Printable; source?: string } {
  const img = isMap(m.image) ? m.image : {};
  const build = buildPaths(img.build);
  if (build) {
    const paths = {
      context: fromConfig(build.context, ctx.workspaceRoot, ctx.configDir),
      dockerfile: fromConfig(build.dockerfile, ctx.workspaceRoot, ctx.configDir),
    };
    ctx.rec.mapped('image.build', 'context and Dockerfile, relative to slipway.config.ts', 'image.build');
    if (isMap(img.build))
      for (const k of ['args', 'target', 'cache_from'].filter((k) => k in (img.build as object)))
        ctx.rec.notMapped(
          `image.build.${k}`,
          "Slipway's pipeline runs a plain docker build; put build arguments and the target stage in the Dockerfile",
        );
    return { value: { build: paths }, source: build.dockerfile };
  }
  if (typeof img.location === 'string' && !unresolved(img.location)) {
    const { uri, changed } = imageUri(img.location);
    if (!imageSchema.safeParse({ uri }).success) {
      ctx.rec.notMapped(
        'image.location',
        `"${img.location}" is not an image reference Slipway takes (registry/name:tag or @sha256:<digest>); set image.uri by hand`,
      );
      return {};
    }
    if (changed)
      ctx.rec.approximated(
        'image.location',
        `written as ${uri}, the reference ECS resolves it to`,
        'image.uri',
      );
    else ctx.rec.mapped('image.location', 'runs that image; Slipway never builds or tags it', 'image.uri');
    return { value: { uri } };
  }
  ctx.rec.notMapped('image', 'neither image.build nor a resolvable image.location; set image by hand');
  return {};
}

/** Written where the image could not be imported: a valid reference that names what to do. */
export const PLACEHOLDER_IMAGE = 'registry.example.com/todo-set-the-image:latest';

const IMAGE_KEYS = ['build', 'location', 'port', 'healthcheck', 'credentials', 'labels', 'depends_on'];

function imageExtras(m: Manifest, kind: ServiceKind, ctx: MapContext, out: Record<string, Printable>) {
  const img = isMap(m.image) ? m.image : {};
  reportUnknown(img, IMAGE_KEYS, 'image', ctx.rec.notMapped);
  if (isMap(img.build))
    reportUnknown(
      img.build,
      ['dockerfile', 'context', 'args', 'target', 'cache_from'],
      'image.build',
      ctx.rec.notMapped,
    );
  if (typeof img.port === 'number' && img.port < 1024)
    ctx.rec.approximated(
      'image.port',
      `Slipway runs the container as a non-root user (user, default 1000:1000), which cannot bind port ${img.port} in most images: listen on a port above 1023 or set user to one that may`,
      'port',
    );
  for (const k of ['credentials', 'labels', 'depends_on'].filter((k) => k in img))
    ctx.rec.notMapped(
      `image.${k}`,
      k === 'credentials'
        ? 'Slipway pulls from ECR or public registries without repository credentials'
        : 'Slipway runs one container and sets no Docker labels',
    );
  if (isMap(img.healthcheck) && (kind === 'worker' || kind === 'job'))
    ctx.rec.notMapped(
      'image.healthcheck',
      `a Slipway ${kind} has no container health check; ECS replaces a task whose process exits`,
    );
  else if (isMap(img.healthcheck)) {
    const cmd = commandWords(img.healthcheck.command);
    if (cmd && cmd.length > 0) {
      out.healthCheck = cmd[0] === 'CMD' ? cmd.slice(1) : cmd;
      ctx.rec.mapped('image.healthcheck.command', 'the container health check ECS runs', 'healthCheck');
    }
    const timing = ['interval', 'retries', 'timeout', 'start_period'].filter(
      (k) => k in (img.healthcheck as object),
    );
    if (timing.length > 0)
      ctx.rec.approximated(
        `image.healthcheck.${timing.join('/')}`,
        'Slipway uses its own interval, retries and timeout for the container check',
      );
  }
}

function variables(m: Manifest, ctx: MapContext): Record<string, Printable> {
  const env: Record<string, Printable> = {};
  const vars = isMap(m.variables) ? m.variables : {};
  for (const [name, value] of Object.entries(vars)) {
    const field = `variables.${name}`;
    if (isMap(value))
      ctx.rec.notMapped(
        field,
        'reads a CloudFormation export (from_cfn); Slipway takes literal values: copy the value',
      );
    else if (!/^[A-Z_][A-Z0-9_]*$/.test(name))
      ctx.rec.notMapped(
        field,
        'Slipway takes UPPER_SNAKE_CASE variable names; rename it in the code and the config',
      );
    else if (isReservedVariable(name))
      ctx.rec.notMapped(
        field,
        `Slipway sets this variable itself; rename it in the code and the config, e.g. APP_${name}`,
      );
    else if (/(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY|CREDENTIAL)/.test(name))
      ctx.rec.notMapped(
        field,
        'named like a secret, and Slipway refuses plain variables named so: store it in SSM or Secrets Manager and list it under secrets',
      );
    else if (typeof value === 'string' && unresolved(value))
      ctx.rec.notMapped(
        field,
        `"${value}" used a variable Copilot filled in from its shell at deploy time; write the value`,
      );
    else if (String(value).includes('\u0000'))
      ctx.rec.mapped(
        field,
        'the value depends on the environment name: written in each environment',
        `environments.<env>.services.<name>.environment.${name}`,
      );
    else {
      env[name] = String(value);
      ctx.rec.mapped(field, 'plain variable', `environment.${name}`);
    }
  }
  return env;
}

function secrets(m: Manifest, ctx: MapContext): Record<string, Printable> {
  const out: Record<string, Printable> = {};
  for (const [name, value] of Object.entries(isMap(m.secrets) ? m.secrets : {})) {
    const field = `secrets.${name}`;
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) {
      ctx.rec.notMapped(
        field,
        'Slipway takes UPPER_SNAKE_CASE variable names; rename it in the code and the config',
      );
      continue;
    }
    if (isReservedVariable(name)) {
      ctx.rec.notMapped(
        field,
        `Slipway sets this variable itself; rename it in the code and the config, e.g. APP_${name}`,
      );
      continue;
    }
    const s = mapSecret(value);
    if (s.outcome === 'not-mapped') ctx.rec.notMapped(field, s.why);
    else {
      out[name] = s.ref;
      (s.outcome === 'mapped' ? ctx.rec.mapped : ctx.rec.approximated)(field, s.why, `secrets.${name}`);
    }
  }
  return out;
}

function network(m: Manifest, ctx: MapContext) {
  const net = isMap(m.network) ? m.network : {};
  const vpc = isMap(net.vpc) ? net.vpc : {};
  reportUnknown(net, ['vpc', 'connect'], 'network', ctx.rec.notMapped);
  reportUnknown(vpc, ['placement', 'security_groups'], 'network.vpc', ctx.rec.notMapped);
  if ('placement' in vpc)
    ctx.rec.approximated(
      'network.vpc.placement',
      "Slipway places tasks by the environment's NAT mode: private subnets with a NAT, public ones with nat: 'none'",
    );
  if ('security_groups' in vpc)
    ctx.rec.notMapped(
      'network.vpc.security_groups',
      'Slipway manages the security groups; a service reaches a backend by listing it in calls',
    );
  if ('connect' in net)
    ctx.rec.approximated(
      'network.connect',
      'callers reach a backend at <service>.<env>.internal (their <SERVICE>_URL variable), through Cloud Map instead of Service Connect; update the URLs the code uses',
    );
}

/** The Slipway service and environment settings of one effective manifest, or undefined for an unsupported type. */
export function mapService(m: Manifest, ctx: MapContext): MappedService | undefined {
  const kind = TYPES[String(m.type)];
  if (!kind) {
    ctx.rec.notMapped(
      'type',
      `"${String(m.type)}" has no Slipway equivalent (Slipway has the four types Load Balanced Web Service, Backend Service, Worker Service and Scheduled Job)`,
    );
    return undefined;
  }
  ctx.rec.mapped('type', `${String(m.type)} is Slipway's ${kind}`, 'type');
  const img = image(m, ctx);
  const service: Record<string, Printable> = {
    type: kind,
    image: img.value ?? { uri: PLACEHOLDER_IMAGE },
  };
  const command = commandWords(m.command);
  if (command && command.length > 0) {
    service.command = command;
    ctx.rec.mapped('command', 'replaces the image CMD, without a shell', 'command');
  }
  if ('entrypoint' in m)
    ctx.rec.notMapped(
      'entrypoint',
      "Slipway overrides the image's CMD only; set the ENTRYPOINT in the Dockerfile",
    );
  if (typeof m.cpu === 'number') {
    service.cpu = m.cpu;
    ctx.rec.mapped('cpu', 'task CPU units', 'cpu');
  }
  if (typeof m.memory === 'number') {
    service.memoryMiB = m.memory;
    ctx.rec.mapped('memory', 'task memory in MiB', 'memoryMiB');
  }
  const environment = variables(m, ctx);
  if (Object.keys(environment).length > 0) service.environment = environment;
  const secretRefs = secrets(m, ctx);
  if (Object.keys(secretRefs).length > 0) service.secrets = secretRefs;
  if (m.exec === true)
    ctx.rec.mapped('exec', 'ECS Exec is on for every Slipway service: `slipway exec <env>`');
  network(m, ctx);
  const settings = kind === 'job' ? {} : mapCount(m.count, kind, ctx.rec);
  if (kind === 'web' || kind === 'backend') mapHttp(m, kind, service, ctx.rec);
  if (kind === 'worker') mapWorker(m, service, ctx.rec);
  if (kind === 'job') mapJob(m, service, settings, ctx.rec);
  imageExtras(m, kind, ctx, service);
  if (
    service.healthCheck === undefined &&
    kind !== 'worker' &&
    kind !== 'job' &&
    'build' in (service.image as object)
  ) {
    service.healthCheck = false;
    ctx.rec.approximated(
      'image.healthcheck',
      "not set: Copilot ran no container health check; Slipway's default for a built image runs node, which the image may not have, so it is off (the load balancer still checks healthPath)",
      'healthCheck',
    );
  }
  for (const key of Object.keys(m).filter((k) => !HANDLED[kind].includes(k)))
    if (key === 'platform' && ['linux/x86_64', 'linux/amd64'].includes(String(m.platform)))
      ctx.rec.mapped(key, 'Slipway runs linux/x86_64 tasks');
    else
      ctx.rec.notMapped(
        key,
        NOT_MAPPED[key] ?? `not a field of a Slipway ${kind} (nor one it has an equivalent for)`,
      );
  return { type: kind, service, settings, ...(img.source ? { source: img.source } : {}) };
}
