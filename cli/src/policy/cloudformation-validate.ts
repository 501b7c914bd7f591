import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readResult, resultKey, writeResult } from '@slipway/config/result-cache';
import type { StackInfo } from '../synth/stacks.ts';
import type { CheckRun, Finding } from './checks.ts';

/*
 * CDK's built-in CloudFormation validation as `plan` runs it: after the synth, on the written
 * templates, in a process of its own (validate-process.mjs) started before the synth so its
 * loading of aws-cdk-lib overlaps it; each template's result cached.
 */

let cdkVersion: string | undefined;
function awsCdkLibVersion(): string {
  if (!cdkVersion) {
    const pkg = new URL(import.meta.resolve('aws-cdk-lib/package.json'));
    cdkVersion = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  }
  return cdkVersion;
}

interface Violation {
  ruleName: string;
  description: string;
  severity: string;
  violatingResources: { resourceLogicalId?: string; constructPath?: string; templatePath: string }[];
}

interface StackTemplate {
  readonly stackConstructPath: string;
  readonly templatePath: string;
  readonly accountId: string;
  readonly region: string;
}

/** The validator's process, started ahead of the templates: `validate` once, or `close`. */
export interface Validator {
  validate(stackTemplates: readonly StackTemplate[]): Promise<Violation[]>;
  close(): void;
}

/**
 * Starts the validator's process. It does not keep `plan` alive while it waits, and it ends when
 * closed without work (every template cached).
 */
export function startValidator(): Validator {
  const child: ChildProcess = fork(new URL('./validate-process.mjs', import.meta.url), [], {
    execArgv: ['--liftoff-only'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.unref();
  child.channel?.unref();
  return {
    validate: (stackTemplates) =>
      new Promise((resolve, reject) => {
        child.ref();
        child.channel?.ref();
        child.once('message', (m: { ok: boolean; violations?: Violation[]; error?: string }) => {
          if (m.ok) resolve(m.violations ?? []);
          else reject(new Error(`CloudFormation validation failed to run: ${m.error}`));
        });
        child.once('error', reject);
        child.once('exit', (code) =>
          reject(
            new Error(
              `CloudFormation validation ended (exit ${code}) without a result: ${stderr.trim().slice(-500)}`,
            ),
          ),
        );
        child.send({ stackTemplates });
      }),
    close: () => {
      if (child.connected) child.disconnect();
    },
  };
}

/** CDK's built-in CloudFormation validation, in its own process, per-template cached. */
export async function builtInValidation(
  stacks: readonly StackInfo[],
  ignored: readonly string[],
  cacheDir: string | undefined,
  report: (check: string, state: string) => void = () => {},
  warm?: Validator,
): Promise<{ findings: Finding[]; run: CheckRun }> {
  const started = performance.now();
  const version = awsCdkLibVersion();
  const keyOf = (s: StackInfo) =>
    resultKey('validate', version, s.account, s.region, readFileSync(s.templatePath, 'utf8'));
  const findings: Finding[] = [];
  const todo: StackInfo[] = [];
  for (const s of stacks) {
    const cached = readResult<Finding[]>(cacheDir, keyOf(s));
    if (cached) findings.push(...cached);
    else todo.push(s);
  }
  report('CloudFormation validation', todo.length === 0 ? 'cached' : `${todo.length} templates`);
  if (todo.length > 0) {
    const validator = warm ?? startValidator();
    const violations = await validator
      .validate(
        todo.map((s) => ({
          stackConstructPath: s.constructPath,
          templatePath: s.templatePath,
          accountId: s.account,
          region: s.region,
        })),
      )
      .finally(() => validator.close());
    for (const s of todo) {
      const found = stackFindings(s, violations, ignored);
      writeResult(cacheDir, keyOf(s), found);
      findings.push(...found);
    }
    report('CloudFormation validation', 'done');
  }
  return {
    findings,
    run: {
      checker: 'cloudformation-validate',
      status: todo.length === 0 ? 'cached' : 'ran',
      durationMs: Math.round(performance.now() - started),
    },
  };
}

/** One stack's findings among the validator's violations, but for the rules cfn-lint's settings ignore. */
function stackFindings(
  stack: StackInfo,
  violations: readonly Violation[],
  ignored: readonly string[],
): Finding[] {
  return violations.flatMap((v) =>
    ignored.includes(v.ruleName)
      ? []
      : v.violatingResources
          .filter((r) => r.templatePath === stack.templatePath)
          .map(
            (r): Finding => ({
              checker: 'cloudformation-validate',
              rule: v.ruleName,
              severity: v.severity,
              stack: stack.stackName,
              where: r.resourceLogicalId ?? r.constructPath ?? '',
              message: v.description,
            }),
          ),
  );
}
