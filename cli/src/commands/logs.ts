import type { ResolvedService, SlipwayConfig } from '@slipway/config';
import type { AwsFactory, LogEvent } from '../aws/api.ts';
import { sdkFactory } from '../aws/sdk.ts';
import { resolveEnvironmentName } from '../environments.ts';
import { CliError, EXIT, type ExitCode } from '../errors.ts';
import type { Io } from '../io.ts';
import { call, type OnlineTarget, onlineTarget } from '../online.ts';
import { selectServices, serviceParameterNames } from '../services/select.ts';

const UNITS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s`, `10m`, `2h`, `1d` → milliseconds; anything else is undefined. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)([smhd])$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * (UNITS[m[2] as string] as number);
}

export const formatEvent = (e: LogEvent) =>
  `${e.time.toISOString()} ${e.stream.split('/').pop()} ${e.message}\n`;

export interface LogsDeps {
  readonly factory: AwsFactory;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Stops `--follow` (tests); the real command runs until interrupted. */
  readonly keepFollowing: () => boolean;
}

/** `web    | ` before each line when several services' logs are interleaved. */
function servicePrefix(names: readonly string[]): (name: string) => string {
  if (names.length < 2) return () => '';
  const width = Math.max(...names.map((n) => n.length));
  return (name) => `${name.padEnd(width)} | `;
}

/** Each service's log group from SSM; a service without one is skipped with a warning, all without one is SW215. */
async function logGroups(
  target: OnlineTarget,
  services: readonly ResolvedService[],
  named: string | undefined,
  io: Io,
) {
  const { env, aws, where } = target;
  const groups = await Promise.all(
    services.map(async (s) => {
      const parameter = serviceParameterNames(env, s).logGroupName;
      return {
        service: s.name,
        parameter,
        group: await call(() => aws.ssm.get(parameter), 'logs', env.name, where),
      };
    }),
  );
  const missing = groups.filter((g) => !g.group);
  if (missing.length === groups.length) {
    throw new CliError(
      'SW215',
      `${env.name} has no ${named ? `log group for ${named}` : 'service log group'} yet (${missing[0]?.parameter} not found)`,
      `slipway deploy ${env.name}`,
    );
  }
  if (missing.length > 0)
    io.progress.warn(`No log group yet for ${missing.map((g) => g.service).join(', ')} (not deployed)`);
  return groups;
}

/**
 * `slipway logs <env> [--service <name>] [--follow] [--since <duration>]`: the log groups of every
 * service (or the one named), oldest first, interleaved by time with a service prefix.
 */
export async function logsCommand(
  config: SlipwayConfig,
  envArg: string,
  options: { follow?: boolean; since: string; service?: string },
  io: Io,
  deps: LogsDeps = {
    factory: sdkFactory,
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    keepFollowing: () => true,
  },
): Promise<ExitCode> {
  const since = parseDuration(options.since);
  if (since === undefined) {
    throw new CliError(
      'SW203',
      `--since ${options.since}: use a number and a unit (30s, 10m, 2h, 1d)`,
      `slipway logs ${envArg} --since 10m`,
    );
  }
  // A mistyped service is named before any AWS call.
  const services = selectServices(
    resolveEnvironmentName(config, envArg, 'logs').environment,
    options.service,
    'logs',
  );
  const target = await onlineTarget(config, envArg, 'logs', deps.factory);
  const { env, aws, where } = target;
  const groups = await logGroups(target, services, options.service, io);
  const prefix = servicePrefix(groups.map((g) => g.service));
  // Each group is read from its own latest event on: one group's late events are not skipped for another's.
  const startTimes = new Map(groups.map((g) => [g.service, deps.now() - since]));
  const seen = new Set<string>();
  for (;;) {
    const batch: { service: string; event: LogEvent }[] = [];
    for (const { service, group } of groups) {
      if (!group) continue;
      const startTime = startTimes.get(service) ?? 0;
      let nextToken: string | undefined;
      do {
        const page = await call(
          () => aws.logs.events(group, { startTime, nextToken }),
          'logs',
          env.name,
          where,
        );
        batch.push(...page.events.map((event) => ({ service, event })));
        nextToken = page.nextToken;
      } while (nextToken);
    }
    for (const { service, event: e } of batch.sort(
      (a, b) => a.event.time.getTime() - b.event.time.getTime(),
    )) {
      const key = `${service}|${e.time.getTime()}|${e.stream}|${e.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      io.out(`${prefix(service)}${formatEvent(e)}`);
      // Events of the same millisecond may still arrive: start at the latest one, dedupe by content.
      startTimes.set(service, Math.max(startTimes.get(service) ?? 0, e.time.getTime()));
    }
    if (!options.follow || !deps.keepFollowing()) return EXIT.ok;
    await deps.sleep(2_000);
  }
}
