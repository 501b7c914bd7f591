/*
 * The values detection could not supply: from flags first, then (on a terminal, without --yes)
 * from questions, else placeholders under --yes. Off a terminal without --yes, a value nothing
 * supplies stops init with one line naming the flag to pass (SW248).
 */
import { CliError } from '../errors.ts';
import type { Io } from '../io.ts';
import type { InitAnswers } from './config-source.ts';
import type { Detection } from './detect.ts';

export interface AnswerFlags {
  readonly name?: string;
  readonly port?: string;
  readonly healthPath?: string;
  readonly region?: string;
  readonly account?: string;
  readonly yes?: boolean;
}

/** The region written when none is given (a placeholder: the one most AWS examples use). */
export const PLACEHOLDER_REGION = 'us-east-1';
/** What --yes writes for an undetected port and health path (marked as placeholders in the config). */
export const PLACEHOLDER_PORT = 8080;
export const PLACEHOLDER_HEALTH_PATH = '/';

interface Question<T> {
  readonly key: string;
  readonly flag: string;
  readonly prompt: string;
  readonly parse: (text: string) => T | string;
}

const port: Question<number> = {
  key: 'port',
  flag: '--port <number>',
  prompt: 'Port your web server listens on',
  parse: (text) => {
    const n = Number(text);
    return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : `--port: got "${text}"; a port is 1-65535`;
  },
};
const healthPath: Question<string> = {
  key: 'healthPath',
  flag: '--health-path <path>',
  prompt: 'Path that answers 200 while the app is alive',
  parse: (text) =>
    /^\/[\w\-./]*$/.test(text) ? text : `--health-path: got "${text}"; a path starting with /`,
};
const name: Question<string> = {
  key: 'name',
  flag: '--name <name>',
  prompt: 'App name',
  parse: (text) =>
    /^[a-z][a-z0-9-]{0,30}$/.test(text) ? text : `--name: got "${text}"; lower-case letters, digits, dashes`,
};
const region: Question<string> = {
  key: 'region',
  flag: '--region <region>',
  prompt: 'AWS region',
  parse: (text) => (/^[a-z]{2}(-[a-z]+)+-\d$/.test(text) ? text : `--region: got "${text}"; e.g. eu-west-1`),
};
const account: Question<string> = {
  key: 'account',
  flag: '--account <id>',
  prompt: 'AWS account id for every environment (Enter keeps one placeholder per environment)',
  parse: (text) => (/^\d{12}$/.test(text) ? text : `--account: got "${text}"; a 12-digit account id`),
};

function fromFlag<T>(q: Question<T>, value: string | undefined): T | undefined {
  if (value === undefined) return undefined;
  const parsed = q.parse(value);
  if (typeof parsed === 'string' && parsed.startsWith(q.flag.split(' ')[0] as string))
    throw new CliError('SW203', parsed, `slipway init ${q.flag}`);
  return parsed as T;
}

async function ask<T>(io: Io, q: Question<T>, fallback?: T): Promise<T | undefined> {
  for (;;) {
    const shown = fallback ? ` [${String(fallback)}]` : '';
    const text = (await io.ask(`${q.prompt}${shown}: `)).trim();
    if (text === '') {
      if (fallback !== undefined) return fallback;
      continue;
    }
    const parsed = q.parse(text);
    if (typeof parsed === 'string' && parsed.startsWith(q.flag.split(' ')[0] as string))
      io.err(`${parsed}\n`);
    else return parsed as T;
  }
}

/** The answers for `detection`; `rerun` is the command line to suggest with the missing flags. */
export async function resolveAnswers(detection: Detection, flags: AnswerFlags, io: Io): Promise<InitAnswers> {
  const web = detection.images[0];
  const prompting = io.interactive && !flags.yes;
  const placeholders: string[] = [];
  const missing: string[] = [];
  const value = async <T>(q: Question<T>, detected: T | undefined, placeholder: T): Promise<T> => {
    const given = fromFlag(q, (flags as Record<string, string | undefined>)[q.key]) ?? detected;
    if (given !== undefined) return given;
    if (prompting) return (await ask(io, q)) as T;
    if (!flags.yes) missing.push(q.flag);
    placeholders.push(q.key);
    return placeholder;
  };
  const answers = {
    name: fromFlag(name, flags.name) ?? detection.name.value,
    port: await value(port, web?.port?.value, PLACEHOLDER_PORT),
    healthPath: await value(healthPath, web?.healthPath?.value, PLACEHOLDER_HEALTH_PATH),
  };
  if (missing.length > 0)
    throw new CliError(
      'SW248',
      `slipway init could not detect ${missing.map((f) => f.split(' ')[0]?.slice(2)).join(' and ')} and cannot ask (not a terminal)`,
      `slipway init ${missing.join(' ')} (or --yes to write placeholders)`,
    );
  let chosenRegion = fromFlag(region, flags.region);
  let chosenAccount = fromFlag(account, flags.account);
  if (prompting) {
    chosenRegion ??= await ask(io, region, PLACEHOLDER_REGION);
    chosenAccount ??= await ask(io, account, '');
  }
  if (!chosenRegion) placeholders.push('region');
  if (!chosenAccount) placeholders.push('account');
  return {
    ...answers,
    region: chosenRegion || PLACEHOLDER_REGION,
    ...(chosenAccount ? { account: chosenAccount } : {}),
    placeholders,
  };
}
