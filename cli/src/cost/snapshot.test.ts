/*
 * The final snapshot of a database (DeletionPolicy Snapshot) in the cost model:
 *   - a $0.00 line while the instance runs, whose detail prices the snapshot after a delete
 *     (allocated GB × the table's backup-storage price)
 *   - no line for a database deleted without a snapshot
 *   - the shipped environments: staging and prod carry the line, dev and test do not;
 *     prod's three on-demand tasks of each web service are priced at 0% Spot
 */
import { shippedAssembly } from '@slipway/testing/cli/fixtures';
import { describe, expect, it } from 'vitest';
import { PRICE_TABLES } from '../pricing/index.ts';
import { stacksOf } from '../synth/synthesize.ts';
import type { Template } from '../synth/template.ts';
import { estimateCost } from './model.ts';

const template = (deletionPolicy: string): Template => ({
  Resources: {
    Db: {
      Type: 'AWS::RDS::DBInstance',
      DeletionPolicy: deletionPolicy,
      Properties: { DBInstanceClass: 'db.t4g.micro', Engine: 'postgres', AllocatedStorage: '20' },
    },
  },
});

const snapshotLines = (deletionPolicy: string) =>
  estimateCost([
    {
      stackName: 'data',
      environment: 'test',
      account: '111111111111',
      region: 'us-east-1',
      template: template(deletionPolicy),
      templatePath: '/dev/null',
      constructPath: 'data',
      dependencies: [],
      terminationProtection: false,
    },
  ]).lines.filter((l) => l.item.startsWith('RDS final snapshot'));

describe('the final snapshot of a database', () => {
  it('costs nothing while the instance runs and says what it costs after a delete', () => {
    const price = PRICE_TABLES['us-east-1']?.prices.rdsSnapshotGbMonth;
    expect(price).toBe(0.095);
    expect(snapshotLines('Snapshot')).toEqual([
      expect.objectContaining({
        item: 'RDS final snapshot on delete (up to 20 GB)',
        monthly: 0,
        detail: expect.stringContaining('up to 20 GB × $0.095/GB-month = $1.90/month'),
      }),
    ]);
  });

  it('has no line for a database deleted without a snapshot', () => {
    expect(snapshotLines('Delete')).toEqual([]);
  });

  it('is in the plans of the shipped staging and prod, not of dev and test', async () => {
    const s = await shippedAssembly();
    const has = (env: string) =>
      estimateCost(stacksOf(s, env)).lines.some((l) => l.item.startsWith('RDS final snapshot'));
    expect(['dev', 'test', 'staging', 'prod'].filter(has)).toEqual(['staging', 'prod']);
    const fargate = estimateCost(stacksOf(s, 'prod'))
      .lines.filter((l) => l.item.startsWith('Fargate Web') || l.item.startsWith('Fargate ServiceApi'))
      .map((l) => l.item);
    expect(fargate).toEqual([
      'Fargate Web: 3 tasks × 1 vCPU / 2 GB x86, 0% Spot',
      'Fargate ServiceApi: 3 tasks × 1 vCPU / 2 GB x86, 0% Spot',
    ]);
  });
});
