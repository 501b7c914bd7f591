/**
 * AWS commercial regions Slipway knows, with the availability zones it uses by default.
 *
 * Zone *names* (`us-east-1a`) are mapped to physical zones per account, so any three names are
 * equally good; what matters is that they exist in every account. `us-west-1` offers only two
 * zones to new accounts. Source: AWS Regions and Zones documentation, checked 2026-11.
 */
export const REGIONS = {
  'us-east-1': { name: 'US East (N. Virginia)', zones: ['a', 'b', 'c', 'd', 'f'] },
  'us-east-2': { name: 'US East (Ohio)', zones: ['a', 'b', 'c'] },
  'us-west-1': { name: 'US West (N. California)', zones: ['a', 'c'] },
  'us-west-2': { name: 'US West (Oregon)', zones: ['a', 'b', 'c', 'd'] },
  'af-south-1': { name: 'Africa (Cape Town)', zones: ['a', 'b', 'c'] },
  'ap-east-1': { name: 'Asia Pacific (Hong Kong)', zones: ['a', 'b', 'c'] },
  'ap-south-1': { name: 'Asia Pacific (Mumbai)', zones: ['a', 'b', 'c'] },
  'ap-south-2': { name: 'Asia Pacific (Hyderabad)', zones: ['a', 'b', 'c'] },
  'ap-southeast-1': { name: 'Asia Pacific (Singapore)', zones: ['a', 'b', 'c'] },
  'ap-southeast-2': { name: 'Asia Pacific (Sydney)', zones: ['a', 'b', 'c'] },
  'ap-southeast-3': { name: 'Asia Pacific (Jakarta)', zones: ['a', 'b', 'c'] },
  'ap-southeast-4': { name: 'Asia Pacific (Melbourne)', zones: ['a', 'b', 'c'] },
  'ap-southeast-5': { name: 'Asia Pacific (Malaysia)', zones: ['a', 'b', 'c'] },
  'ap-southeast-7': { name: 'Asia Pacific (Thailand)', zones: ['a', 'b', 'c'] },
  'ap-northeast-1': { name: 'Asia Pacific (Tokyo)', zones: ['a', 'c', 'd'] },
  'ap-northeast-2': { name: 'Asia Pacific (Seoul)', zones: ['a', 'b', 'c', 'd'] },
  'ap-northeast-3': { name: 'Asia Pacific (Osaka)', zones: ['a', 'b', 'c'] },
  'ca-central-1': { name: 'Canada (Central)', zones: ['a', 'b', 'd'] },
  'ca-west-1': { name: 'Canada West (Calgary)', zones: ['a', 'b', 'c'] },
  'eu-central-1': { name: 'Europe (Frankfurt)', zones: ['a', 'b', 'c'] },
  'eu-central-2': { name: 'Europe (Zurich)', zones: ['a', 'b', 'c'] },
  'eu-west-1': { name: 'Europe (Ireland)', zones: ['a', 'b', 'c'] },
  'eu-west-2': { name: 'Europe (London)', zones: ['a', 'b', 'c'] },
  'eu-west-3': { name: 'Europe (Paris)', zones: ['a', 'b', 'c'] },
  'eu-south-1': { name: 'Europe (Milan)', zones: ['a', 'b', 'c'] },
  'eu-south-2': { name: 'Europe (Spain)', zones: ['a', 'b', 'c'] },
  'eu-north-1': { name: 'Europe (Stockholm)', zones: ['a', 'b', 'c'] },
  'il-central-1': { name: 'Israel (Tel Aviv)', zones: ['a', 'b', 'c'] },
  'me-south-1': { name: 'Middle East (Bahrain)', zones: ['a', 'b', 'c'] },
  'me-central-1': { name: 'Middle East (UAE)', zones: ['a', 'b', 'c'] },
  'mx-central-1': { name: 'Mexico (Central)', zones: ['a', 'b', 'c'] },
  'sa-east-1': { name: 'South America (São Paulo)', zones: ['a', 'b', 'c'] },
} as const satisfies Record<string, { name: string; zones: readonly string[] }>;

export type Region = keyof typeof REGIONS;

export const REGION_NAMES = Object.keys(REGIONS) as Region[];

export function isRegion(value: string): value is Region {
  return Object.hasOwn(REGIONS, value);
}

/** The first `count` availability zone names of a region, e.g. `['af-south-1a', 'af-south-1b']`. */
export function availabilityZones(region: Region, count: number): string[] {
  return REGIONS[region].zones.slice(0, count).map((zone) => `${region}${zone}`);
}

/** How many zones Slipway can spread an environment over in this region. */
export function maxAzCount(region: Region): number {
  return REGIONS[region].zones.length;
}
