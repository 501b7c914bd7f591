import type { SlipwayConfig } from '@slipway/config';
import { PARAMETERS, parameterName } from '@slipway/config/contract';
import type { AwsFactory, LogEvent } from '../aws/api.ts';
import { sdkFactory } from '../aws/sdk.ts';
import { CliError, EXIT, type ExitCode } from '../errors.ts';
import type { Io } from '../io.ts';
import { call, onlineTarget } from '../online.ts';

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

/** `slipway logs <env> [--follow] [--since <duration>]`: the service log group, oldest first. */
export async function logsCommand(
  config: SlipwayConfig,
  envArg: string,
  options: { follow?: boolean; since: string },
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
  const target = await onlineTarget(config, envArg, 'logs', deps.factory);
  const { env, aws, where } = target;
  const groupParameter = parameterName(env, PARAMETERS.logGroupName);
  const group = await call(() => aws.ssm.get(groupParameter), 'logs', env.name, where);
  if (!group) {
    throw new CliError(
      'SW215',
      `${env.name} has no service log group yet (${groupParameter} not found)`,
      `slipway deploy ${env.name}`,
    );
  }
  let startTime = deps.now() - since;
  const seen = new Set<string>();
  for (;;) {
    let nextToken: string | undefined;
    let latest = startTime;
    do {
      const page = await call(
        () => aws.logs.events(group, { startTime, nextToken }),
        'logs',
        env.name,
        where,
      );
      for (const e of page.events) {
        const key = `${e.time.getTime()}|${e.stream}|${e.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        io.out(formatEvent(e));
        latest = Math.max(latest, e.time.getTime());
      }
      nextToken = page.nextToken;
    } while (nextToken);
    if (!options.follow || !deps.keepFollowing()) return EXIT.ok;
    // Events of the same millisecond may still arrive: start at the latest one, dedupe by content.
    startTime = latest;
    await deps.sleep(2_000);
  }
}
