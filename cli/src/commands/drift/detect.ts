import type {
  DescribeStackDriftDetectionStatusOutput,
  DriftApi,
  DriftResponse,
  StackResourceDrift,
} from '../../aws/drift-api.ts';
import { classifyStack, type Finding, type StackClassification } from './classify.ts';

/** One stack's outcome: CloudFormation's verdict and, when it could be read, the classification. */
export interface StackReport extends Partial<StackClassification> {
  readonly stack: string;
  /** StackDriftStatus as CloudFormation reported it (IN_SYNC, DRIFTED), or ERROR. */
  readonly status: string;
  readonly error?: string;
}

/** What `slipway drift --json` prints (its `version` changes only when a field changes meaning). */
export interface DriftResult {
  readonly version: 1;
  readonly environment: string;
  readonly region: string;
  /** clean: nothing but expected differences; drifted: real drift; error: a stack was not checked. */
  readonly outcome: 'clean' | 'drifted' | 'error';
  readonly stacks: StackReport[];
  readonly real: Finding[];
  readonly expected: Finding[];
}

/** A step of the detection, for the progress display (`text` is the line printed off a terminal). */
export interface DriftProgress {
  readonly stack: string;
  /** `checked`: no real drift; `drifted`: real drift found; `failed`: not checked (an error). */
  readonly kind: 'started' | 'not-started' | 'waiting' | 'checked' | 'drifted' | 'failed';
  readonly text: string;
}

export interface DetectOptions {
  readonly environment: string;
  readonly region: string;
  /** The stacks to check, by name. */
  readonly stacks: readonly string[];
  readonly api: DriftApi;
  /** Told of each step. @default nothing is reported */
  readonly progress?: (event: DriftProgress) => void;
  /** @default a real timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
  /** Between two DescribeStackDriftDetectionStatus calls. @default 10 s */
  readonly pollIntervalMs?: number;
  /** How long to wait for all detections, from the first start. @default 20 min (the drift job has 30) */
  readonly timeoutMs?: number;
}

type Status = DriftResponse<DescribeStackDriftDetectionStatusOutput>;

/** One line: the error's name (AccessDenied, ValidationError...), its message, and the HTTP status if any. */
export function errorText(error: unknown): string {
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

/** The run's clock and settings, resolved once. */
interface Run {
  readonly options: DetectOptions;
  readonly report: (stack: string, kind: DriftProgress['kind'], text: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly interval: number;
  readonly deadline: number;
  readonly seconds: () => number;
}

function startRun(options: DetectOptions): Run {
  const now = options.now ?? (() => Date.now());
  const started = now();
  return {
    options,
    report: (stack, kind, text) => options.progress?.({ stack, kind, text }),
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    now,
    interval: options.pollIntervalMs ?? 10_000,
    deadline: started + (options.timeoutMs ?? 20 * 60_000),
    seconds: () => Math.round((now() - started) / 1000),
  };
}

/** Starts detection on every stack first, so CloudFormation checks them in parallel. */
async function startAll(run: Run): Promise<Map<string, string | Error>> {
  const detections = new Map<string, string | Error>();
  for (const stack of run.options.stacks) {
    try {
      const { StackDriftDetectionId: id } = await run.options.api.detectStackDrift({ StackName: stack });
      if (!id) throw new Error('DetectStackDrift returned no StackDriftDetectionId');
      detections.set(stack, id);
      run.report(stack, 'started', `${stack}: drift detection started (${id})`);
    } catch (error) {
      detections.set(stack, error instanceof Error ? error : new Error(String(error)));
      run.report(stack, 'not-started', `${stack}: could not start drift detection: ${errorText(error)}`);
    }
  }
  return detections;
}

/** Polls one detection until it leaves DETECTION_IN_PROGRESS or the deadline passes. */
async function waitFor(run: Run, stack: string, id: string): Promise<{ status?: Status; failure?: string }> {
  let status: Status | undefined;
  try {
    for (;;) {
      status = await run.options.api.describeStackDriftDetectionStatus({ StackDriftDetectionId: id });
      if (status.DetectionStatus !== 'DETECTION_IN_PROGRESS') break;
      if (run.now() >= run.deadline) {
        const failure = `drift detection still in progress after ${run.seconds()} s (gave up; see the stack's drift view)`;
        return { status, failure };
      }
      run.report(stack, 'waiting', `${stack}: drift detection in progress (${run.seconds()} s)`);
      await run.sleep(run.interval);
    }
  } catch (error) {
    return { status, failure: `DescribeStackDriftDetectionStatus: ${errorText(error)}` };
  }
  if (status.DetectionStatus === 'DETECTION_FAILED') {
    return {
      status,
      failure: `drift detection FAILED: ${status.DetectionStatusReason ?? 'no reason given'}`,
    };
  }
  if (status.DetectionStatus !== 'DETECTION_COMPLETE') {
    return { status, failure: `unexpected detection status "${status.DetectionStatus}"` };
  }
  return { status };
}

/** Waits for one stack's detection and classifies what it found. Never throws. */
async function checkStack(run: Run, stack: string, id: string): Promise<StackReport> {
  let { status, failure } = await waitFor(run, stack, id);
  // A FAILED detection still checked some resources: show what it found beside the error.
  let classification: StackClassification | undefined;
  if (!failure || status?.DetectionStatus === 'DETECTION_FAILED') {
    try {
      classification = classifyStack(stack, await allResourceDrifts(run.options.api, stack));
    } catch (error) {
      failure = [failure, `DescribeStackResourceDrifts: ${errorText(error)}`].filter(Boolean).join('; ');
    }
  }
  const driftStatus = failure ? 'ERROR' : (status?.StackDriftStatus ?? 'UNKNOWN');
  const counts = classification
    ? ` (${classification.real.length} real, ${classification.expected.length} expected, ${classification.inSync} in sync)`
    : '';
  run.report(
    stack,
    failure ? 'failed' : classification?.real.length ? 'drifted' : 'checked',
    `${stack}: ${failure ? `ERROR: ${failure}` : driftStatus}${counts}`,
  );
  return { stack, status: driftStatus, error: failure, ...classification };
}

/**
 * Runs drift detection on every stack (all started first, so CloudFormation checks them in
 * parallel), waits for each, and classifies what it found. Never throws for one stack: its error
 * is recorded and the outcome becomes `error`.
 */
export async function detectDrift(options: DetectOptions): Promise<DriftResult> {
  const run = startRun(options);
  const detections = await startAll(run);
  const reports: StackReport[] = [];
  for (const stack of options.stacks) {
    const detection = detections.get(stack);
    if (detection === undefined || detection instanceof Error) {
      const error = `could not start drift detection: ${errorText(detection)}`;
      reports.push({ stack, status: 'ERROR', error });
      continue;
    }
    reports.push(await checkStack(run, stack, detection));
  }
  const real = reports.flatMap((r) => r.real ?? []);
  const expected = reports.flatMap((r) => r.expected ?? []);
  // No stack checked is no verdict: never "clean".
  const failed = reports.length === 0 || reports.some((r) => r.error);
  const outcome = failed ? 'error' : real.length > 0 ? 'drifted' : 'clean';
  return {
    version: 1,
    environment: options.environment,
    region: options.region,
    outcome,
    stacks: reports,
    real,
    expected,
  };
}
