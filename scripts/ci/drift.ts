/*
 * Scheduled drift detection for one environment, reporting only real drift:
 *
 *   npx tsx scripts/ci/drift.ts --environment prod --report "$RUNNER_TEMP/drift.txt"
 *
 * For each stack of the environment (named by the contract's `resolveTarget`, as the CDK app
 * names them), runs CloudFormation drift detection (DetectStackDrift, then
 * DescribeStackDriftDetectionStatus until it finishes, then DescribeStackResourceDrifts, every
 * page). Every property difference of a MODIFIED resource is checked against EXPECTED_DRIFT, the
 * few properties AWS changes on purpose after a deploy (listener rule weights moved by ECS
 * deployments, the task count set by Application Auto Scaling, the scalable target bounds set by
 * the office-hours schedule). Those are listed with their reason and do not count. A DELETED
 * resource, any other difference and any other status is real drift.
 *
 * Exit status (the drift workflow branches on it):
 *   0  clean: every stack was checked and nothing but expected differences was found
 *   2  drifted: every stack was checked and at least one real difference was found
 *   1  error: a stack could not be checked (API error, detection FAILED or timed out, bad input);
 *      nothing is concluded, so an error can never pass for "clean"
 *
 * The report (the same text as the log) goes to --report, which the workflow hands to
 * drift-issue.ts. Tests: scripts/ci/drift.test.ts, with a fake of DriftApi. moto_server 5.2.1
 * cannot stand in for CloudFormation here: DetectStackDrift answers HTTP 500 with
 * "NotImplementedError: The detect_stack_drift action has not been implemented".
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  type DescribeStackDriftDetectionStatusInput,
  type DescribeStackDriftDetectionStatusOutput,
  DescribeStackResourceDriftsCommand,
  type DescribeStackResourceDriftsInput,
  type DescribeStackResourceDriftsOutput,
  DetectStackDriftCommand,
  type DetectStackDriftInput,
  type DetectStackDriftOutput,
  type PropertyDifference,
  type StackResourceDrift,
} from '@aws-sdk/client-cloudformation';
import { loadConfig, type SlipwayConfig } from '@slipway/config';
import { resolveTarget } from '@slipway/config/contract';
import { annotateError, appendSummary, isMain } from './actions.ts';
import { pipelineContext } from './pipeline.ts';

/** Exit statuses; `.github/workflows/drift.yml` branches on them (its policy test checks that). */
export const EXIT = { clean: 0, error: 1, drifted: 2 } as const;

type Response<T> = Omit<T, '$metadata'>;

/** The three CloudFormation calls drift detection needs (SDK shapes; a fake in the tests). */
export interface DriftApi {
  detectStackDrift(input: DetectStackDriftInput): Promise<Response<DetectStackDriftOutput>>;
  describeStackDriftDetectionStatus(
    input: DescribeStackDriftDetectionStatusInput,
  ): Promise<Response<DescribeStackDriftDetectionStatusOutput>>;
  describeStackResourceDrifts(
    input: DescribeStackResourceDriftsInput,
  ): Promise<Response<DescribeStackResourceDriftsOutput>>;
}

export function cloudFormationDriftApi(region: string): DriftApi {
  const client = new CloudFormationClient({ region, maxAttempts: 6 });
  return {
    detectStackDrift: (input) => client.send(new DetectStackDriftCommand(input)),
    describeStackDriftDetectionStatus: (input) =>
      client.send(new DescribeStackDriftDetectionStatusCommand(input)),
    describeStackResourceDrifts: (input) => client.send(new DescribeStackResourceDriftsCommand(input)),
  };
}

/** What a rule of EXPECTED_DRIFT sees: one difference, its resource, and every resource of the stack. */
export interface DifferenceContext {
  readonly difference: PropertyDifference;
  readonly resource: StackResourceDrift;
  readonly stack: readonly StackResourceDrift[];
}

/** A property AWS changes on purpose, and the only case in which its difference is not drift. */
export interface ExpectedDrift {
  readonly id: string;
  readonly resourceType: string;
  /** PropertyPath as CloudFormation reports it (a JSON pointer into the resource's properties). */
  readonly path: RegExp;
  readonly differenceTypes: readonly string[];
  /** Who changes the property, and why that is intended. */
  readonly reason: string;
  /** The narrower condition, in words. */
  readonly condition: string;
  /** Undefined when the condition holds for this difference, else why it does not. */
  readonly check: (context: DifferenceContext) => string | undefined;
}

const LISTENER_RULE = 'AWS::ElasticLoadBalancingV2::ListenerRule';
const ECS_SERVICE = 'AWS::ECS::Service';
const SCALABLE_TARGET = 'AWS::ApplicationAutoScaling::ScalableTarget';

const WEIGHTS_REASON =
  'ECS blue/green, canary and linear deployments move traffic by rewriting the weights of the ' +
  "service's production and test listener rules; the template keeps Blue 100 / Green 0 on purpose " +
  '(docs/deployments.md "The listener rule trap", decision 0008)';
const RULE_CONDITION =
  'the rule is the production or test listener rule an ECS service of the same stack hands to ECS ' +
  '(LoadBalancers[].AdvancedConfiguration)';

/**
 * The allow-list: keep it small. Each entry names the resource type, the property path and the
 * difference types it covers, who changes that property and why, and a condition that narrows it
 * to the resources that owner actually manages. Anything not covered here is real drift.
 */
export const EXPECTED_DRIFT: readonly ExpectedDrift[] = [
  {
    id: 'listener-rule-weight',
    resourceType: LISTENER_RULE,
    path: /^\/Actions\/\d+\/ForwardConfig\/TargetGroups\/\d+\/Weight$/,
    differenceTypes: ['NOT_EQUAL'],
    reason: WEIGHTS_REASON,
    condition: `${RULE_CONDITION}, and both values are weights (whole numbers 0-999)`,
    check: ({ difference, resource, stack }) =>
      ecsManagesRule(resource, stack) ??
      (isWeight(difference.ExpectedValue) && isWeight(difference.ActualValue)
        ? undefined
        : `"${difference.ExpectedValue}" → "${difference.ActualValue}" is not a change of weight`),
  },
  {
    id: 'listener-rule-target-group-entry',
    resourceType: LISTENER_RULE,
    path: /^\/Actions\/\d+\/ForwardConfig\/TargetGroups\/\d+$/,
    differenceTypes: ['NOT_EQUAL', 'ADD', 'REMOVE'],
    reason: `${WEIGHTS_REASON}. CloudFormation may report a changed entry of this unordered list whole, or as one removal plus one addition`,
    condition: `${RULE_CONDITION}, and the entries taken out and put in name the same target groups, differing only in Weight`,
    check: ({ difference, resource, stack }) =>
      ecsManagesRule(resource, stack) ?? onlyWeightsDiffer(difference, resource),
  },
  {
    id: 'ecs-desired-count',
    resourceType: ECS_SERVICE,
    path: /^\/DesiredCount$/,
    differenceTypes: ['NOT_EQUAL'],
    reason:
      "Application Auto Scaling sets the service's task count between its scalable target's bounds " +
      '(target tracking, and the office-hours scheduled actions that scale to zero); the template value ' +
      'only seeds a new service',
    condition:
      'a scalable target of the same stack scales this service (ecs:service:DesiredCount) and the live ' +
      "count lies within that target's live MinCapacity-MaxCapacity",
    check: ({ difference, resource, stack }) => desiredCountWithinTarget(difference, resource, stack),
  },
  {
    id: 'scalable-target-bounds',
    resourceType: SCALABLE_TARGET,
    path: /^\/(MinCapacity|MaxCapacity)$/,
    differenceTypes: ['NOT_EQUAL'],
    reason:
      "The office-hours schedule (infra/src/constructs/office-hours/) is the target's own scheduled actions: " +
      'at the start and the end of office hours Application Auto Scaling sets MinCapacity and MaxCapacity ' +
      'to the values of the action that ran',
    condition: "one of the target's scheduled actions (in its template) sets this bound to the live value",
    check: ({ difference, resource }) => boundSetBySchedule(difference, resource),
  },
];

function json(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

const properties = (text: string | undefined) => record(json(text));

function isWeight(value: string | undefined): boolean {
  return value !== undefined && /^\d{1,3}$/.test(value.trim());
}

/** Undefined when an ECS service of the stack names this rule as its production or test listener rule. */
function ecsManagesRule(rule: StackResourceDrift, stack: readonly StackResourceDrift[]): string | undefined {
  const arn = rule.PhysicalResourceId;
  for (const service of stack.filter((r) => r.ResourceType === ECS_SERVICE)) {
    for (const lb of list(properties(service.ExpectedProperties)?.LoadBalancers)) {
      const advanced = record(record(lb)?.AdvancedConfiguration);
      if (arn && (advanced?.ProductionListenerRule === arn || advanced?.TestListenerRule === arn)) return;
    }
  }
  return 'no ECS service of this stack hands this rule to ECS (a rolling service never changes weights)';
}

interface TargetGroupEntry {
  readonly arn: string;
  readonly weight: unknown;
}

function entry(value: string | undefined): TargetGroupEntry | undefined {
  const o = record(json(value));
  if (!o || typeof o.TargetGroupArn !== 'string') return undefined;
  if (Object.keys(o).some((k) => k !== 'TargetGroupArn' && k !== 'Weight')) return undefined;
  return { arn: o.TargetGroupArn, weight: o.Weight };
}

/** For an entry of ForwardConfig.TargetGroups: undefined when only its weight changed. */
function onlyWeightsDiffer(difference: PropertyDifference, rule: StackResourceDrift): string | undefined {
  if (difference.DifferenceType === 'NOT_EQUAL') {
    const before = entry(difference.ExpectedValue);
    const after = entry(difference.ActualValue);
    if (before && after && before.arn === after.arn) return;
    return 'the entry changed more than its Weight';
  }
  // ADD / REMOVE: compare every entry removed from and added to the same list of this rule.
  const listPath = difference.PropertyPath?.replace(/\/\d+$/, '');
  const siblings = (rule.PropertyDifferences ?? []).filter(
    (d) => d.PropertyPath?.replace(/\/\d+$/, '') === listPath && d.DifferenceType !== 'NOT_EQUAL',
  );
  const removed = siblings.filter((d) => d.DifferenceType === 'REMOVE').map((d) => entry(d.ExpectedValue));
  const added = siblings.filter((d) => d.DifferenceType === 'ADD').map((d) => entry(d.ActualValue));
  if ([...removed, ...added].some((e) => e === undefined)) return 'an entry is not {TargetGroupArn, Weight}';
  const arns = (entries: (TargetGroupEntry | undefined)[]) =>
    entries
      .map((e) => e?.arn ?? '')
      .sort()
      .join(' ');
  if (arns(removed) !== arns(added)) return 'the target groups themselves changed, not only their weights';
  return;
}

/** For an ECS service's DesiredCount: undefined when its scalable target allows the live count. */
function desiredCountWithinTarget(
  difference: PropertyDifference,
  service: StackResourceDrift,
  stack: readonly StackResourceDrift[],
): string | undefined {
  const arn = service.PhysicalResourceId ?? '';
  const target = stack.find((r) => {
    if (r.ResourceType !== SCALABLE_TARGET) return false;
    const p = properties(r.ExpectedProperties);
    return (
      p?.ScalableDimension === 'ecs:service:DesiredCount' &&
      typeof p.ResourceId === 'string' &&
      arn.endsWith(`:${p.ResourceId}`)
    );
  });
  if (!target) return 'no scalable target of this stack scales this service';
  const live = properties(target.ActualProperties);
  const count = Number(difference.ActualValue);
  const min = Number(live?.MinCapacity);
  const max = Number(live?.MaxCapacity);
  if (!live || Number.isNaN(min) || Number.isNaN(max)) {
    return `the live bounds of ${target.LogicalResourceId} are unknown`;
  }
  if (!Number.isInteger(count) || count < min || count > max) {
    return `${difference.ActualValue} is outside ${target.LogicalResourceId}'s live bounds ${min}-${max}`;
  }
  return;
}

/** For a scalable target's bound: undefined when one of its scheduled actions sets the live value. */
function boundSetBySchedule(difference: PropertyDifference, target: StackResourceDrift): string | undefined {
  const bound = difference.PropertyPath === '/MinCapacity' ? 'MinCapacity' : 'MaxCapacity';
  const actions = list(properties(target.ExpectedProperties)?.ScheduledActions);
  if (actions.length === 0) return 'the target has no scheduled actions';
  const values = actions.map((a) => record(record(a)?.ScalableTargetAction)?.[bound]);
  if (values.some((v) => v !== undefined && String(v) === String(difference.ActualValue).trim())) return;
  return `no scheduled action sets ${bound} to ${difference.ActualValue} (they set ${values.join(', ')})`;
}

/** One difference or resource status, real or expected. */
export interface Finding {
  readonly stack: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly status: string;
  readonly difference?: PropertyDifference;
  /** The allow-list entry, when the difference is expected. */
  readonly expected?: ExpectedDrift;
  /** Why a finding is real when it is not a plain difference (or nearly matched an entry). */
  readonly note?: string;
}

export interface StackClassification {
  readonly real: Finding[];
  readonly expected: Finding[];
  readonly inSync: number;
  /** Resources CloudFormation did not check (its docs say NOT_CHECKED is not returned today). */
  readonly notChecked: string[];
}

/** Sorts every resource drift of one stack into real and expected findings. */
export function classifyStack(stack: string, drifts: readonly StackResourceDrift[]): StackClassification {
  const out = { real: [] as Finding[], expected: [] as Finding[], inSync: 0, notChecked: [] as string[] };
  for (const resource of drifts) {
    const base = {
      stack,
      logicalId: resource.LogicalResourceId ?? '?',
      resourceType: resource.ResourceType ?? '?',
      status: resource.StackResourceDriftStatus ?? 'UNKNOWN',
    };
    switch (base.status) {
      case 'IN_SYNC':
        out.inSync++;
        continue;
      case 'NOT_CHECKED':
        out.notChecked.push(base.logicalId);
        continue;
      case 'DELETED':
        out.real.push({ ...base, note: 'deleted outside CloudFormation' });
        continue;
      case 'MODIFIED':
        break;
      default:
        out.real.push({
          ...base,
          note: `status ${base.status}: CloudFormation could not tell whether it drifted, so it counts as drift`,
        });
        continue;
    }
    const differences = resource.PropertyDifferences ?? [];
    if (differences.length === 0) {
      out.real.push({ ...base, note: 'MODIFIED without property differences' });
    }
    for (const difference of differences) {
      const candidates = EXPECTED_DRIFT.filter(
        (e) =>
          e.resourceType === base.resourceType &&
          e.path.test(difference.PropertyPath ?? '') &&
          e.differenceTypes.includes(difference.DifferenceType ?? ''),
      );
      const misses: string[] = [];
      const match = candidates.find((e) => {
        const why = e.check({ difference, resource, stack: drifts });
        if (why !== undefined) misses.push(`not ${e.id}: ${why}`);
        return why === undefined;
      });
      if (match) out.expected.push({ ...base, difference, expected: match });
      else out.real.push({ ...base, difference, note: misses.length > 0 ? misses.join('; ') : undefined });
    }
  }
  return out;
}

export interface StackReport extends Partial<StackClassification> {
  readonly stack: string;
  /** StackDriftStatus as CloudFormation reported it, or ERROR. */
  readonly status: string;
  readonly error?: string;
}

export interface DriftResult {
  readonly environment: string;
  readonly region: string;
  readonly outcome: 'clean' | 'drifted' | 'error';
  readonly stacks: StackReport[];
  readonly real: Finding[];
  readonly expected: Finding[];
}

export interface DetectOptions {
  readonly environment: string;
  readonly region: string;
  readonly stacks: readonly string[];
  readonly api: DriftApi;
  readonly log?: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** Between two DescribeStackDriftDetectionStatus calls. @default 10 s */
  readonly pollIntervalMs?: number;
  /** How long to wait for all detections, from the first start. @default 20 min (the job has 30) */
  readonly timeoutMs?: number;
}

/** One line: the error's name (AccessDenied, ValidationError...), its message, and the HTTP status if any. */
function message(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const text = error.message.replace(/\s+/g, ' ').trim();
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return `${error.name && error.name !== 'Error' ? `${error.name}: ` : ''}${text}${status ? ` (HTTP ${status})` : ''}`;
}

async function allResourceDrifts(api: DriftApi, stack: string): Promise<StackResourceDrift[]> {
  const all: StackResourceDrift[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await api.describeStackResourceDrifts({
      StackName: stack,
      NextToken: token,
      MaxResults: 100,
    });
    all.push(...(page.StackResourceDrifts ?? []));
    token = page.NextToken || undefined;
    if (token !== undefined) {
      if (seen.has(token)) throw new Error(`DescribeStackResourceDrifts repeated NextToken for ${stack}`);
      seen.add(token);
    }
  } while (token !== undefined);
  return all;
}

/**
 * Runs drift detection on every stack (all started first, so CloudFormation checks them in
 * parallel), waits for each, and classifies what it found. Never throws for one stack: its error
 * is recorded and the outcome becomes `error`.
 */
export async function detectDrift(options: DetectOptions): Promise<DriftResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? (() => Date.now());
  const interval = options.pollIntervalMs ?? 10_000;
  const deadline = now() + (options.timeoutMs ?? 20 * 60_000);
  const started = now();
  const seconds = () => Math.round((now() - started) / 1000);

  const detections = new Map<string, string | Error>();
  for (const stack of options.stacks) {
    try {
      const { StackDriftDetectionId: id } = await options.api.detectStackDrift({ StackName: stack });
      if (!id) throw new Error('DetectStackDrift returned no StackDriftDetectionId');
      detections.set(stack, id);
      log(`${stack}: drift detection started (${id})`);
    } catch (error) {
      detections.set(stack, error instanceof Error ? error : new Error(String(error)));
      log(`${stack}: could not start drift detection: ${message(error)}`);
    }
  }

  const reports: StackReport[] = [];
  for (const stack of options.stacks) {
    const detection = detections.get(stack);
    if (detection === undefined || detection instanceof Error) {
      reports.push({
        stack,
        status: 'ERROR',
        error: `could not start drift detection: ${message(detection)}`,
      });
      continue;
    }
    let failure: string | undefined;
    let status: Response<DescribeStackDriftDetectionStatusOutput> | undefined;
    try {
      for (;;) {
        status = await options.api.describeStackDriftDetectionStatus({ StackDriftDetectionId: detection });
        if (status.DetectionStatus !== 'DETECTION_IN_PROGRESS') break;
        if (now() >= deadline) {
          failure = `drift detection still in progress after ${seconds()} s (gave up; see the stack's drift view)`;
          break;
        }
        log(`${stack}: drift detection in progress (${seconds()} s)`);
        await sleep(interval);
      }
      if (!failure && status?.DetectionStatus === 'DETECTION_FAILED') {
        failure = `drift detection FAILED: ${status.DetectionStatusReason ?? 'no reason given'}`;
      } else if (!failure && status?.DetectionStatus !== 'DETECTION_COMPLETE') {
        failure = `unexpected detection status "${status?.DetectionStatus}"`;
      }
    } catch (error) {
      failure = `DescribeStackDriftDetectionStatus: ${message(error)}`;
    }
    // A FAILED detection still checked some resources: show what it found beside the error.
    let classification: StackClassification | undefined;
    if (!failure || status?.DetectionStatus === 'DETECTION_FAILED') {
      try {
        classification = classifyStack(stack, await allResourceDrifts(options.api, stack));
      } catch (error) {
        failure = [failure, `DescribeStackResourceDrifts: ${message(error)}`].filter(Boolean).join('; ');
      }
    }
    const driftStatus = failure ? 'ERROR' : (status?.StackDriftStatus ?? 'UNKNOWN');
    log(
      `${stack}: ${failure ? `ERROR: ${failure}` : driftStatus}` +
        (classification
          ? ` (${classification.real.length} real, ${classification.expected.length} expected, ${classification.inSync} in sync)`
          : ''),
    );
    reports.push({ stack, status: driftStatus, error: failure, ...classification });
  }

  const real = reports.flatMap((r) => r.real ?? []);
  const expected = reports.flatMap((r) => r.expected ?? []);
  // No stack checked is no verdict: never "clean".
  const failed = reports.length === 0 || reports.some((r) => r.error);
  const outcome = failed ? 'error' : real.length > 0 ? 'drifted' : 'clean';
  return {
    environment: options.environment,
    region: options.region,
    outcome,
    stacks: reports,
    real,
    expected,
  };
}

export function exitCode(result: Pick<DriftResult, 'outcome'>): number {
  return EXIT[result.outcome];
}

function clip(value: string | undefined, max = 400): string {
  if (value === undefined || value === '') return '—';
  const one = value.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

function describeDifference(d: PropertyDifference | undefined): string[] {
  if (!d) return [];
  return [
    `    ${d.PropertyPath ?? '?'}  ${d.DifferenceType ?? '?'}`,
    `      template: ${clip(d.ExpectedValue)}`,
    `      live:     ${clip(d.ActualValue)}`,
  ];
}

/** The readable report: verdict, stacks, real drift, then expected differences with their reason. */
export function formatReport(result: DriftResult): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const verdict = {
    clean: `CLEAN: no real drift (${count(result.expected.length, 'expected difference')})`,
    drifted: `DRIFTED: ${count(result.real.length, 'real difference')} (and ${count(result.expected.length, 'expected difference')})`,
    error: `ERROR: drift detection did not complete for every stack, so nothing is concluded (${count(result.real.length, 'real difference')} found in what was checked)`,
  }[result.outcome];
  const lines = [`Drift detection for ${result.environment} (${result.region}): ${verdict}`, '', 'Stacks:'];
  for (const s of result.stacks) {
    const counts =
      s.inSync === undefined
        ? ''
        : `  ${s.real?.length ?? 0} real, ${s.expected?.length ?? 0} expected, ${s.inSync} in sync` +
          (s.notChecked?.length ? `, not checked: ${s.notChecked.join(', ')}` : '');
    lines.push(`  ${s.stack}: ${s.status}${counts}${s.error ? `\n    error: ${s.error}` : ''}`);
  }
  const group = (findings: Finding[], withReason: boolean) => {
    const out: string[] = [];
    let last = '';
    for (const f of findings) {
      const head = `  ${f.stack} › ${f.logicalId} (${f.resourceType})${f.status === 'MODIFIED' ? '' : `: ${f.status}`}`;
      if (head !== last) out.push(head);
      last = head;
      out.push(...describeDifference(f.difference));
      if (f.note) out.push(f.difference ? `      note: ${f.note}` : `    ${f.note}`);
      if (withReason && f.expected) out.push(`      why expected (${f.expected.id}): ${f.expected.reason}`);
    }
    return out;
  };
  if (result.real.length > 0) {
    lines.push(
      '',
      'Real drift (bring the change into the code and deploy, or revert it in the account):',
      ...group(result.real, false),
    );
  }
  if (result.expected.length > 0) {
    lines.push(
      '',
      'Expected differences (changed by AWS on purpose; not drift, listed for the record):',
      ...group(result.expected, true),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The environment's stacks in dependency order, named by the contract the CDK app builds them
 * from (infra's tests check that the two agree), so neither the naming nor which layers exist is
 * repeated here and no CDK app has to be built.
 */
export function environmentStacks(config: SlipwayConfig, environment: string): string[] {
  return Object.values(resolveTarget(config, environment).stacks);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { environment: { type: 'string' }, report: { type: 'string' }, config: { type: 'string' } },
  });
  const environment = values.environment ?? '';
  if (!/^[a-z][a-z0-9-]*$/.test(environment)) {
    throw new Error(`--environment: got "${environment}"; give an environment name of slipway.config.ts`);
  }
  const report = values.report;
  // Until the real report replaces it: a crash must leave a report that says so, never a clean one.
  if (report) writeFileSync(report, `Drift detection for ${environment} did not finish: see the run log.\n`);
  const config = await loadConfig(values.config);
  const env = pipelineContext(config).environments.find((e) => e.name === environment);
  if (!env) {
    throw new Error(
      `--environment: "${environment}" is not an environment of slipway.config.ts (${Object.keys(config.environments).join(', ')})`,
    );
  }
  const stacks = environmentStacks(config, environment);
  console.log(`Checking ${stacks.join(', ')} in ${env.account}/${env.region}`);
  const result = await detectDrift({
    environment,
    region: env.region,
    stacks,
    api: cloudFormationDriftApi(env.region),
  });
  const text = formatReport(result);
  console.log(`\n${text}`);
  if (report) writeFileSync(report, text);
  appendSummary(`### Drift: ${environment}\n\n\`\`\`\n${text}\`\`\``);
  if (result.outcome === 'error') {
    annotateError(
      `drift detection failed in ${environment} (not a drift verdict): see the report in the log`,
    );
  }
  return exitCode(result);
}

if (isMain(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      annotateError(message(error));
      process.exitCode = EXIT.error;
    },
  );
}
