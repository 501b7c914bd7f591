/*
 * Drift detection against a fake of the three CloudFormation calls (DriftApi):
 *   - only expected differences (weights moved by ECS, autoscaled task count, office-hours bounds) → clean, exit 0
 *   - one real difference among expected ones → drifted, exit 5, listed apart from the expected ones
 *   - a DELETED resource, an UNKNOWN status, MODIFIED without differences → drifted
 *   - each allow-list entry refuses what its condition excludes (a rule ECS does not manage, other
 *     target groups, a count outside the bounds, a bound no scheduled action sets)
 *   - detection FAILED, timed out, or an API error → error, exit 1 (never 0, never 5), other stacks still checked
 *   - DescribeStackResourceDrifts pagination (a real difference on the last page is found)
 *   - polling with progress lines, on a fake clock
 *   - the environment's stacks come from the contract's resolveTarget
 * The command itself (output, exit codes, progress display) is in command.test.ts; what moto_server
 * supports of it (the credentials check, the SDK client's errors) in drift.moto.test.ts.
 */
// cspell:ignore FBAE
import {
  afterNativeDeploy,
  BLUE,
  DATA_STACK,
  diff,
  ecsService,
  FakeCloudFormation,
  type FakeStack,
  fakeClock,
  GRAFANA_RULE,
  GREEN,
  inSync,
  NETWORK_STACK,
  OTHER_TG,
  PROD_RULE,
  REGION,
  resource,
  rule,
  SECURITY_GROUP_OPENED,
  SERVICE_STACK,
  scalableTarget,
  weights,
} from '@slipway/testing/cli/fake-drift';
import { shippedConfig } from '@slipway/testing/cli/fixtures';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../errors.ts';
import {
  classifyStack,
  type DriftResult,
  detectDrift,
  EXPECTED_DRIFT,
  environmentStacks,
  exitCode,
  formatReport,
} from './index.ts';

async function run(stacks: Record<string, FakeStack>, extra: { timeoutMs?: number; order?: string[] } = {}) {
  const api = new FakeCloudFormation(stacks);
  const clock = fakeClock();
  const lines: string[] = [];
  const result = await detectDrift({
    environment: 'prod',
    region: REGION,
    stacks: extra.order ?? Object.keys(stacks),
    api,
    progress: (event) => lines.push(event.text),
    sleep: clock.sleep,
    now: clock.now,
    pollIntervalMs: 10_000,
    timeoutMs: extra.timeoutMs,
  });
  return { result, api, lines, clock, report: formatReport(result) };
}

/** The report's section that starts with `title`, up to the next blank line. */
function section(report: string, title: string): string {
  const start = report.indexOf(title);
  if (start < 0) return '';
  const end = report.indexOf('\n\n', start);
  return report.slice(start, end < 0 ? undefined : end);
}

const ids = (findings: DriftResult['real']) =>
  findings.map((f) => `${f.logicalId}${f.difference ? ` ${f.difference.PropertyPath}` : ''}`);

describe('expected differences only', () => {
  it('is clean (exit 0) after a native deploy moved the weights and autoscaling changed the count', async () => {
    const { result, report } = await run({
      [NETWORK_STACK]: { drifts: inSync(12, 'Net') },
      [SERVICE_STACK]: { drifts: afterNativeDeploy() },
    });
    expect(result.outcome).toBe('clean');
    expect(exitCode(result)).toBe(EXIT.ok);
    expect(result.real).toEqual([]);
    expect(result.expected.map((f) => f.expected?.id).sort()).toEqual([
      'ecs-desired-count',
      'listener-rule-weight',
      'listener-rule-weight',
      'listener-rule-weight',
      'listener-rule-weight',
    ]);
    expect(report).toMatch(
      /^Drift detection for prod \(af-south-1\): CLEAN: no real drift \(5 expected differences\)/,
    );
    const expected = section(report, 'Expected differences');
    expect(expected).toContain('WebProductionRule64DA67B6 (AWS::ElasticLoadBalancingV2::ListenerRule)');
    expect(expected).toContain('/Actions/0/ForwardConfig/TargetGroups/0/Weight  NOT_EQUAL');
    expect(expected).toMatch(/why expected \(listener-rule-weight\): ECS blue\/green, canary and linear/);
    expect(expected).toMatch(/why expected \(ecs-desired-count\): Application Auto Scaling/);
    expect(report).not.toContain('Real drift');
  });

  it('is clean outside office hours: bounds set to 0 by the stop action, count 0 within them', async () => {
    const { result } = await run({
      [SERVICE_STACK]: {
        drifts: [
          ecsService({ native: true, desired: 0 }),
          scalableTarget({ min: 0, max: 0 }, true, [
            diff('/MinCapacity', '1', '0'),
            diff('/MaxCapacity', '4', '0'),
          ]),
        ],
      },
    });
    expect(result.outcome).toBe('clean');
    expect(result.expected.map((f) => f.expected?.id)).toEqual([
      'ecs-desired-count',
      'scalable-target-bounds',
      'scalable-target-bounds',
    ]);
  });

  it('accepts a weight change reported as a removed and an added entry of the same target groups', async () => {
    const swap = [
      diff(
        '/Actions/0/ForwardConfig/TargetGroups/0',
        { TargetGroupArn: BLUE, Weight: 100 },
        'null',
        'REMOVE',
      ),
      diff('/Actions/0/ForwardConfig/TargetGroups/1', { TargetGroupArn: GREEN, Weight: 0 }, 'null', 'REMOVE'),
      diff('/Actions/0/ForwardConfig/TargetGroups/0', 'null', { TargetGroupArn: GREEN, Weight: 100 }, 'ADD'),
      diff('/Actions/0/ForwardConfig/TargetGroups/1', 'null', { TargetGroupArn: BLUE, Weight: 0 }, 'ADD'),
    ];
    const c = classifyStack(SERVICE_STACK, [
      rule('WebProductionRule64DA67B6', PROD_RULE, swap),
      ecsService({ native: true }),
    ]);
    expect(c.real).toEqual([]);
    expect(c.expected.map((f) => f.expected?.id)).toEqual(Array(4).fill('listener-rule-target-group-entry'));
  });
});

describe('real drift', () => {
  it('is drifted (exit 5) when one real difference sits among expected ones, and lists it apart', async () => {
    const { result, report } = await run({
      [SERVICE_STACK]: { drifts: [...afterNativeDeploy(), SECURITY_GROUP_OPENED] },
    });
    expect(result.outcome).toBe('drifted');
    expect(exitCode(result)).toBe(EXIT.drifted);
    expect(ids(result.real)).toEqual(['WebLoadBalancerSecurityGroupB2D6C7E1 /SecurityGroupIngress/2']);
    expect(result.expected).toHaveLength(5);
    expect(report).toMatch(/DRIFTED: 1 real difference \(and 5 expected differences\)/);
    const real = section(report, 'Real drift');
    expect(real).toContain(
      'slipway-prod-service › WebLoadBalancerSecurityGroupB2D6C7E1 (AWS::EC2::SecurityGroup)',
    );
    expect(real).toContain('/SecurityGroupIngress/2  ADD');
    expect(real).toContain('"CidrIp":"0.0.0.0/0"');
    expect(real).not.toContain('ListenerRule');
    expect(section(report, 'Expected differences')).not.toContain('SecurityGroup');
  });

  it('is drifted when a resource was deleted outside CloudFormation', async () => {
    const { result, report } = await run({
      [DATA_STACK]: {
        drifts: [
          resource('DatabaseInstanceAA8A5FDE', 'AWS::RDS::DBInstance', 'slipway-prod-db', 'DELETED'),
          ...inSync(3),
        ],
      },
    });
    expect(result.outcome).toBe('drifted');
    expect(exitCode(result)).toBe(EXIT.drifted);
    expect(section(report, 'Real drift')).toContain(
      'slipway-prod-data › DatabaseInstanceAA8A5FDE (AWS::RDS::DBInstance): DELETED\n    deleted outside CloudFormation',
    );
  });

  it('counts an UNKNOWN status and a MODIFIED resource without differences as drift', () => {
    const c = classifyStack(SERVICE_STACK, [
      resource('A', 'AWS::Logs::LogGroup', 'a', 'UNKNOWN'),
      resource('B', 'AWS::Logs::LogGroup', 'b', 'MODIFIED', { differences: [] }),
      resource('C', 'AWS::Logs::LogGroup', 'c', 'NOT_CHECKED'),
    ]);
    expect(c.real.map((f) => [f.logicalId, f.note])).toEqual([
      ['A', 'status UNKNOWN: CloudFormation could not tell whether it drifted, so it counts as drift'],
      ['B', 'MODIFIED without property differences'],
    ]);
    expect(c.notChecked).toEqual(['C']);
  });

  it('reports weights of a rule no ECS service manages (a rolling service, the Grafana route)', () => {
    const c = classifyStack(SERVICE_STACK, [
      rule('WebProductionRule64DA67B6', PROD_RULE, weights(0, 100)),
      rule('GrafanaRoute1A2B3C4D', GRAFANA_RULE, weights(50, 50)),
      ecsService({ native: false }),
    ]);
    expect(c.expected).toEqual([]);
    expect(c.real).toHaveLength(4);
    expect(c.real[0]?.note).toBe(
      'not listener-rule-weight: no ECS service of this stack hands this rule to ECS (a rolling service never changes weights)',
    );
  });

  it('reports other changes on an ECS-managed rule: a new target group, a non-weight value, a condition', () => {
    const c = classifyStack(SERVICE_STACK, [
      rule('WebProductionRule64DA67B6', PROD_RULE, [
        diff(
          '/Actions/0/ForwardConfig/TargetGroups/1',
          { TargetGroupArn: GREEN, Weight: 0 },
          'null',
          'REMOVE',
        ),
        diff(
          '/Actions/0/ForwardConfig/TargetGroups/1',
          'null',
          { TargetGroupArn: OTHER_TG, Weight: 0 },
          'ADD',
        ),
        diff('/Actions/0/ForwardConfig/TargetGroups/0/Weight', '100', 'abc'),
        diff('/Conditions/0/PathPatternConfig/Values/0', '/*', '/admin/*'),
      ]),
      ecsService({ native: true }),
    ]);
    expect(c.expected).toEqual([]);
    expect(c.real.map((f) => f.note)).toEqual([
      'not listener-rule-target-group-entry: the target groups themselves changed, not only their weights',
      'not listener-rule-target-group-entry: the target groups themselves changed, not only their weights',
      'not listener-rule-weight: "100" → "abc" is not a change of weight',
      undefined,
    ]);
  });

  it('reports a task count outside the live bounds, or on a service no scalable target scales', () => {
    const outside = classifyStack(SERVICE_STACK, [
      ecsService({ native: true, desired: 9 }),
      scalableTarget({ min: 1, max: 4 }),
    ]);
    expect(outside.real[0]?.note).toBe(
      "not ecs-desired-count: 9 is outside WebServiceTaskCountTargetF7BAB0BC's live bounds 1-4",
    );
    const unscaled = classifyStack(SERVICE_STACK, [ecsService({ native: true, desired: 2 })]);
    expect(unscaled.real[0]?.note).toBe(
      'not ecs-desired-count: no scalable target of this stack scales this service',
    );
  });

  it('reports bounds no scheduled action sets, and bounds of a target without a schedule', () => {
    const hand = classifyStack(SERVICE_STACK, [
      scalableTarget({ min: 1, max: 40 }, true, [diff('/MaxCapacity', '4', '40')]),
    ]);
    expect(hand.real[0]?.note).toBe(
      'not scalable-target-bounds: no scheduled action sets MaxCapacity to 40 (they set 4, 0)',
    );
    const unscheduled = classifyStack(SERVICE_STACK, [
      scalableTarget({ min: 0, max: 0 }, false, [diff('/MinCapacity', '1', '0')]),
    ]);
    expect(unscheduled.real[0]?.note).toBe('not scalable-target-bounds: the target has no scheduled actions');
  });
});

describe('errors are neither clean nor drift', () => {
  it('exits 1 when detection FAILED, still showing what it found, and checks the other stacks', async () => {
    const { result, report, api } = await run({
      [NETWORK_STACK]: {
        statuses: [
          {
            DetectionStatus: 'DETECTION_FAILED',
            DetectionStatusReason: 'Failed to detect drift on resource [NatInstance]',
          },
        ],
        drifts: inSync(4),
      },
      [SERVICE_STACK]: { drifts: afterNativeDeploy() },
    });
    expect(result.outcome).toBe('error');
    expect(exitCode(result)).toBe(EXIT.failed);
    expect(EXIT.failed).not.toBe(EXIT.ok);
    expect(EXIT.failed).not.toBe(EXIT.drifted);
    expect(report).toMatch(
      /: ERROR: drift detection did not complete for every stack, so nothing is concluded/,
    );
    expect(report).toContain(
      '  slipway-prod-network: ERROR  0 real, 0 expected, 4 in sync\n    error: drift detection FAILED: Failed to detect drift on resource [NatInstance]',
    );
    expect(api.calls).toContain(`drifts ${SERVICE_STACK} - 100`);
  });

  it('exits 1 on an API error (access denied, a stack that does not exist), not 5, even beside real drift', async () => {
    const denied = Object.assign(new Error('not authorized to perform: cloudformation:DetectStackDrift'), {
      name: 'AccessDenied',
    });
    const { result, report, api } = await run(
      {
        [NETWORK_STACK]: { detectError: denied },
        [SERVICE_STACK]: { drifts: [SECURITY_GROUP_OPENED] },
      },
      { order: [NETWORK_STACK, 'slipway-prod-missing', SERVICE_STACK] },
    );
    expect(result.outcome).toBe('error');
    expect(exitCode(result)).toBe(EXIT.failed);
    expect(result.real).toHaveLength(1);
    expect(report).toContain(
      'slipway-prod-network: ERROR\n    error: could not start drift detection: AccessDenied: not authorized to perform: cloudformation:DetectStackDrift',
    );
    expect(report).toContain(
      'slipway-prod-missing: ERROR\n    error: could not start drift detection: ValidationError: Stack with id slipway-prod-missing does not exist',
    );
    expect(api.calls).toContain(`detect ${SERVICE_STACK}`);
  });

  it('exits 1 when there is no stack to check', async () => {
    const { result } = await run({});
    expect(result.outcome).toBe('error');
  });

  it('exits 1 when DescribeStackResourceDrifts fails', async () => {
    const { result, report } = await run({
      [SERVICE_STACK]: {
        resourceDriftsError: Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }),
      },
    });
    expect(result.outcome).toBe('error');
    expect(report).toContain('error: DescribeStackResourceDrifts: Throttling: Rate exceeded');
  });

  it('exits 1 when detection is still running at the deadline', async () => {
    const { result, report, clock } = await run(
      { [SERVICE_STACK]: { statuses: [{ DetectionStatus: 'DETECTION_IN_PROGRESS' }] } },
      { timeoutMs: 60_000 },
    );
    expect(result.outcome).toBe('error');
    expect(clock.sleeps).toEqual(Array(6).fill(10_000));
    expect(report).toContain('error: drift detection still in progress after 60 s');
  });
});

describe('CloudFormation calls', () => {
  it('reads every page of DescribeStackResourceDrifts (real drift on the last page is found)', async () => {
    const drifts = [...inSync(230), SECURITY_GROUP_OPENED];
    const { result, api } = await run({ [SERVICE_STACK]: { drifts } });
    expect(api.calls.filter((c) => c.startsWith('drifts'))).toEqual([
      `drifts ${SERVICE_STACK} - 100`,
      `drifts ${SERVICE_STACK} page-100 100`,
      `drifts ${SERVICE_STACK} page-200 100`,
    ]);
    expect(result.outcome).toBe('drifted');
    expect(result.stacks[0]?.inSync).toBe(230);
  });

  it('starts every detection first, then polls each with progress lines until it completes', async () => {
    const progress = [
      { DetectionStatus: 'DETECTION_IN_PROGRESS' as const },
      { DetectionStatus: 'DETECTION_IN_PROGRESS' as const },
    ];
    const { result, api, lines, clock } = await run({
      [NETWORK_STACK]: {
        statuses: [...progress, { DetectionStatus: 'DETECTION_COMPLETE' }],
        drifts: inSync(2),
      },
      [SERVICE_STACK]: { drifts: inSync(2) },
    });
    expect(result.outcome).toBe('clean');
    expect(api.calls.slice(0, 2)).toEqual([`detect ${NETWORK_STACK}`, `detect ${SERVICE_STACK}`]);
    expect(clock.sleeps).toEqual([10_000, 10_000]);
    expect(lines).toEqual([
      `${NETWORK_STACK}: drift detection started (det-${NETWORK_STACK})`,
      `${SERVICE_STACK}: drift detection started (det-${SERVICE_STACK})`,
      `${NETWORK_STACK}: drift detection in progress (0 s)`,
      `${NETWORK_STACK}: drift detection in progress (10 s)`,
      `${NETWORK_STACK}: IN_SYNC (0 real, 0 expected, 2 in sync)`,
      `${SERVICE_STACK}: IN_SYNC (0 real, 0 expected, 2 in sync)`,
    ]);
  });
});

describe('the allow-list', () => {
  it('is small, anchored, and says why for every entry', () => {
    expect(EXPECTED_DRIFT.length).toBeLessThanOrEqual(6);
    expect(new Set(EXPECTED_DRIFT.map((e) => e.id)).size).toBe(EXPECTED_DRIFT.length);
    for (const e of EXPECTED_DRIFT) {
      expect(e.path.source, e.id).toMatch(/^\^\\\/.*\$$/);
      expect(e.resourceType, e.id).toMatch(/^AWS::\w+::\w+$/);
      expect(e.reason.length, e.id).toBeGreaterThan(60);
      expect(e.condition.length, e.id).toBeGreaterThan(30);
      expect(e.differenceTypes.length, e.id).toBeGreaterThan(0);
    }
  });
});

describe('the environment stacks', () => {
  it('are the layers of the environment in dependency order, named <app>-<env>-<layer>', async () => {
    const config = await shippedConfig();
    expect(environmentStacks(config, 'prod')).toEqual(
      ['network', 'data', 'service', 'observability'].map((layer) => `slipway-prod-${layer}`),
    );
  });

  it('leave out the data layer of an app without a database', async () => {
    const config = await shippedConfig();
    const noDatabase = { ...config, app: { ...config.app, database: false as const } };
    expect(environmentStacks(noDatabase, 'dev')).toEqual([
      'slipway-dev-network',
      'slipway-dev-service',
      'slipway-dev-observability',
    ]);
  });
});
