import { isEstimate } from '../pricing/index.ts';
import type { NamedResource } from '../synth/template.ts';
import { type Context, usd } from './context.ts';

/**
 * The final snapshot of a database with `DeletionPolicy: Snapshot`: nothing while the instance
 * lives (RDS backup storage up to the database's size is free, and the snapshot does not exist
 * yet); after a delete it is backup storage billed per GB-month until someone deletes it. The
 * line costs $0.00 a month and says what the snapshot would cost, so the plan shows the choice.
 */
export function finalSnapshot(db: NamedResource, gb: number, ctx: Context): void {
  if (db.DeletionPolicy !== 'Snapshot') return;
  const price = ctx.prices.prices.rdsSnapshotGbMonth;
  ctx.add({
    item: `RDS final snapshot on delete (up to ${gb} GB)`,
    resourceType: 'AWS::RDS::DBInstance',
    detail: `nothing while the instance runs (backups up to its size are free); once it is deleted, up to ${gb} GB × ${usd(price)}/GB-month = ${usd(gb * price)}/month until the snapshot is deleted`,
    monthly: 0,
    estimatedPrice: isEstimate(ctx.prices, 'rdsSnapshotGbMonth'),
  });
}
