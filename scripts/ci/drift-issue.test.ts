/*
 * The drift workflow's report, from the JSON of `slipway drift <env> --json`:
 *   - the report is the CLI's own text for that document, and the issue body quotes it
 *   - the verdict the workflow passes (from the exit code) must match the document's outcome;
 *     a drifted or clean verdict without a document, or for another environment, is refused
 *   - an error run without a document (the CLI stopped before detection) still gets a report line
 */

import {
  afterNativeDeploy,
  FakeCloudFormation,
  REGION,
  SECURITY_GROUP_OPENED,
  SERVICE_STACK,
} from '@slipway/testing/cli/fake-drift';
import { describe, expect, it } from 'vitest';
import { type DriftResult, detectDrift, formatReport } from '../../cli/src/commands/drift/index.ts';
import { driftIssue, driftReport } from './drift-issue.ts';

async function drifted(): Promise<DriftResult> {
  const api = new FakeCloudFormation({
    [SERVICE_STACK]: { drifts: [...afterNativeDeploy(), SECURITY_GROUP_OPENED] },
  });
  return detectDrift({ environment: 'prod', region: REGION, stacks: [SERVICE_STACK], api });
}

describe('the drift report from slipway drift --json', () => {
  it("is the CLI's report of the document, and the issue quotes it", async () => {
    const result = await drifted();
    const report = driftReport('prod', 'drifted', JSON.stringify(result, null, 2));
    expect(report).toBe(formatReport(result));
    expect(report).toMatch(/^Drift detection for prod \(af-south-1\): DRIFTED: 1 real difference/);
    const issue = driftIssue('prod', report, 'https://run');
    expect(issue.title).toBe('Drift detected in prod');
    expect(issue.body).toContain(
      'slipway-prod-service › WebLoadBalancerSecurityGroupB2D6C7E1 (AWS::EC2::SecurityGroup)',
    );
    expect(issue.body).toContain('Run: https://run');
  });

  it('refuses a verdict the document does not support, so no issue is opened or closed on it', async () => {
    const json = JSON.stringify(await drifted());
    expect(() => driftReport('prod', 'clean', json)).toThrow(
      '--status clean disagrees with the report\'s outcome "drifted"; no issue was touched',
    );
    expect(() => driftReport('staging', 'drifted', json)).toThrow(
      '--report: a version 1 report for "prod", not version 1 for "staging"',
    );
    expect(() => driftReport('prod', 'clean', '')).toThrow(
      '--report: slipway drift printed no report, yet --status is clean',
    );
    expect(() => driftReport('prod', 'drifted', '{"version":')).toThrow(
      /^--report: not the JSON of slipway drift/,
    );
  });

  it('says so when an error run printed no document', () => {
    for (const json of [undefined, '', 'not json']) {
      expect(driftReport('prod', 'error', json)).toBe(
        'slipway drift prod printed no report: it stopped before drift detection (see its error line in the log).\n',
      );
    }
  });
});
