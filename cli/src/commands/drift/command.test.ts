/*
 * `slipway drift <env>` as a command, against the fake drift calls and the in-memory AWS:
 *   - --json: stdout is only the document (version 1, outcome, findings with the matched entry);
 *     formatReport of the parsed document is the human report (the drift issue quotes it)
 *   - clean → exit 0; real drift → exit 5 with the report and no error line
 *   - a stack that could not be checked → the report first, then SW222 (exit 1) naming the stack
 *   - credentials of another account → SW207 (exit 3) before any drift detection starts
 *   - progress: the stack list, then one step per detection event (update while waiting, succeed
 *     when clean, warn when drifted, fail when not checked), on a fake clock
 *   - the command is registered: `slipway drift` without an environment is SW203 with the usage
 */
import type { SlipwayConfig } from '@slipway/config';
import { fakeAws, fakeState } from '@slipway/testing/cli/fake-aws';
import {
  ACCOUNT,
  afterNativeDeploy,
  FakeCloudFormation,
  type FakeStack,
  fakeClock,
  inSync,
  NETWORK_STACK,
  SECURITY_GROUP_OPENED,
  SERVICE_STACK,
} from '@slipway/testing/cli/fake-drift';
import { shippedConfig } from '@slipway/testing/cli/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { CliError, EXIT } from '../../errors.ts';
import { captureIo } from '../../io.ts';
import { main } from '../../main.ts';
import { type DriftResult, driftCommand, formatReport } from './index.ts';

let config: SlipwayConfig;
beforeAll(async () => {
  config = await shippedConfig();
});

async function drift(
  stacks: Record<string, FakeStack>,
  options: { json?: boolean; account?: string; order?: string[] } = {},
) {
  const api = new FakeCloudFormation(stacks);
  const clock = fakeClock();
  const cap = captureIo();
  const regions: string[] = [];
  const run = driftCommand(config, 'prod', { json: options.json }, cap.io, {
    factory: fakeAws(fakeState(options.account ?? ACCOUNT)),
    drift: (region) => {
      regions.push(region);
      return api;
    },
    stacks: () => options.order ?? Object.keys(stacks),
    detect: { now: clock.now, sleep: clock.sleep, pollIntervalMs: 10_000 },
  });
  let code: number | undefined;
  let error: CliError | undefined;
  try {
    code = await run;
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    error = e;
  }
  return { code, error, api, cap, regions, clock };
}

describe('slipway drift --json', () => {
  it('prints only the document; exit 0 when only expected differences were found', async () => {
    const { code, cap, regions } = await drift(
      { [NETWORK_STACK]: { drifts: inSync(3) }, [SERVICE_STACK]: { drifts: afterNativeDeploy() } },
      { json: true },
    );
    expect(code).toBe(EXIT.ok);
    expect(regions).toEqual(['af-south-1']);
    const doc = JSON.parse(cap.stdout()) as DriftResult;
    expect(doc).toMatchObject({ version: 1, environment: 'prod', region: 'af-south-1', outcome: 'clean' });
    expect(doc.real).toEqual([]);
    expect(doc.stacks.map((s) => [s.stack, s.status, s.inSync])).toEqual([
      [NETWORK_STACK, 'IN_SYNC', 3],
      [SERVICE_STACK, 'DRIFTED', 6], // five parameters and the scalable target
    ]);
    const count = doc.expected.find((f) => f.expected?.id === 'ecs-desired-count');
    expect(count).toMatchObject({
      stack: SERVICE_STACK,
      logicalId: 'WebServiceD04B5F3E',
      difference: { PropertyPath: '/DesiredCount', ExpectedValue: '1', ActualValue: '3' },
    });
    expect(count?.expected?.reason).toMatch(/^Application Auto Scaling sets/);
    expect(count?.expected?.condition).toMatch(/scalable target of the same stack/);
  });

  it('round-trips: the report rendered from the JSON is the human output', async () => {
    const stacks = { [SERVICE_STACK]: { drifts: [...afterNativeDeploy(), SECURITY_GROUP_OPENED] } };
    const json = await drift(stacks, { json: true });
    const human = await drift(stacks);
    expect(formatReport(JSON.parse(json.cap.stdout()) as DriftResult)).toBe(human.cap.stdout());
  });
});

describe('slipway drift exit codes', () => {
  it('exits 5 on real drift, with the report on stdout and no error line', async () => {
    const { code, error, cap } = await drift({
      [SERVICE_STACK]: { drifts: [...afterNativeDeploy(), SECURITY_GROUP_OPENED] },
    });
    expect(error).toBeUndefined();
    expect(code).toBe(EXIT.drifted);
    expect(code).toBe(5);
    expect(cap.stdout()).toMatch(
      /^Drift detection for prod \(af-south-1\): DRIFTED: 1 real difference \(and 5 expected differences\)/,
    );
    expect(cap.stdout()).toContain('WebLoadBalancerSecurityGroupB2D6C7E1 (AWS::EC2::SecurityGroup)');
    expect(cap.stderr()).toBe('');
  });

  it('prints the report, then fails with SW222 (exit 1) naming the stack it could not check', async () => {
    const { code, error, cap } = await drift(
      { [SERVICE_STACK]: { drifts: [SECURITY_GROUP_OPENED] } },
      { order: [NETWORK_STACK, SERVICE_STACK], json: true },
    );
    expect(code).toBeUndefined();
    expect(error?.code).toBe('SW222');
    expect(error?.exitCode).toBe(EXIT.failed);
    expect(error?.message).toBe(
      `drift detection did not complete for 1 of 2 stacks in account 333333333333 (af-south-1), so nothing is concluded: ${NETWORK_STACK}: could not start drift detection: ValidationError: Stack with id ${NETWORK_STACK} does not exist`,
    );
    expect(error?.next).toBe('slipway status prod');
    const doc = JSON.parse(cap.stdout()) as DriftResult;
    expect(doc.outcome).toBe('error');
    expect(doc.real).toHaveLength(1);
  });

  it('suggests running it again when detections timed out, naming every stack and the first error', async () => {
    const running = { statuses: [{ DetectionStatus: 'DETECTION_IN_PROGRESS' as const }] };
    const { error } = await drift({ [NETWORK_STACK]: running, [SERVICE_STACK]: running });
    expect(error?.code).toBe('SW222');
    expect(error?.message).toMatch(
      new RegExp(
        `did not complete for 2 of 2 stacks .*: ${NETWORK_STACK}, ${SERVICE_STACK} \\(${NETWORK_STACK}: drift detection still in progress after 1200 s .*; every stack's error is in the report\\)$`,
      ),
    );
    expect(error?.next).toBe('slipway drift prod');
  });

  it('refuses credentials of another account (SW207, exit 3) before starting any detection', async () => {
    const { error, api } = await drift({ [SERVICE_STACK]: {} }, { account: '111111111111' });
    expect(error?.code).toBe('SW207');
    expect(error?.exitCode).toBe(EXIT.credentials);
    expect(api.calls).toEqual([]);
  });
});

describe('slipway drift progress', () => {
  it('shows the stack list, then one step per detection event', async () => {
    const { cap } = await drift({
      [NETWORK_STACK]: {
        statuses: [{ DetectionStatus: 'DETECTION_IN_PROGRESS' }, { DetectionStatus: 'DETECTION_COMPLETE' }],
        drifts: inSync(2),
      },
      [SERVICE_STACK]: { drifts: [SECURITY_GROUP_OPENED] },
      'slipway-prod-observability': { detectError: new Error('Rate exceeded') },
    });
    expect(cap.progressLog).toEqual([
      'start Listing the stacks of prod',
      `succeed 3 stacks of prod in account 333333333333 (af-south-1): ${NETWORK_STACK}, ${SERVICE_STACK}, slipway-prod-observability`,
      'start Starting drift detection on 3 stacks',
      `update ${NETWORK_STACK}: drift detection started (det-${NETWORK_STACK})`,
      `update ${SERVICE_STACK}: drift detection started (det-${SERVICE_STACK})`,
      'fail slipway-prod-observability: could not start drift detection: Rate exceeded',
      `update ${NETWORK_STACK}: drift detection in progress (0 s)`,
      `succeed ${NETWORK_STACK}: IN_SYNC (0 real, 0 expected, 2 in sync)`,
      `warn ${SERVICE_STACK}: DRIFTED (1 real, 0 expected, 0 in sync)`,
      'stop',
    ]);
  });
});

describe('slipway drift on the command line', () => {
  it('is registered: without an environment it is SW203 with its usage', async () => {
    const cap = captureIo();
    expect(await main(['drift'], cap.io)).toBe(EXIT.usage);
    expect(cap.stderr()).toMatch(
      /^error SW203: missing required argument 'env'\. Next: slipway drift <env> \[--json\]/,
    );
  });
});
