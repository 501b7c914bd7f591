import { AF_SOUTH_1 } from './af-south-1.ts';
import { EU_NORTH_1 } from './eu-north-1.ts';
import type { PriceTable } from './types.ts';
import { US_EAST_1 } from './us-east-1.ts';

export type { Prices, PriceTable } from './types.ts';

/** The committed price tables, by region. Prices are never fetched at run time. */
export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = {
  'us-east-1': US_EAST_1,
  'af-south-1': AF_SOUTH_1,
  'eu-north-1': EU_NORTH_1,
};

/** The price table of a region, or undefined when the repository has none for it. */
export function priceTable(region: string): PriceTable | undefined {
  return PRICE_TABLES[region];
}

/** Whether a price key (`fargateVcpuHour`, `ec2Hour.t4g.nano`) is an estimate in this table. */
export function isEstimate(table: PriceTable, key: string): boolean {
  return table.estimates.some((e) => key === e || key.startsWith(`${e}.`));
}
