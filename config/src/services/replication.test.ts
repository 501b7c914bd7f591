/*
 * Where images are replicated (`registry.replication`):
 *   - every distinct account and region of the environments but the registry's own, in config
 *     order, with the environments that pull there
 *   - the default: on when an environment lives elsewhere, off when all live with the registry;
 *     an explicit value wins
 *   - the registry an environment pulls from: its own place with replication, else the registry's
 */
import { describe, expect, it } from 'vitest';
import { pullRegistry, replicaPlaces, replicationEnabled } from './images.ts';

const registry = { account: '111111111111', region: 'us-east-1' };
const environments = {
  dev: { account: '111111111111', region: 'us-east-1' },
  eu: { account: '111111111111', region: 'eu-north-1' },
  staging: { account: '222222222222', region: 'af-south-1' },
  prod: { account: '333333333333', region: 'af-south-1' },
  'prod-b': { account: '333333333333', region: 'af-south-1' },
};

describe('image replicas', () => {
  it('lists each other account and region once, with the environments there', () => {
    expect(replicaPlaces({ registry, environments })).toEqual([
      { account: '111111111111', region: 'eu-north-1', environments: ['eu'] },
      { account: '222222222222', region: 'af-south-1', environments: ['staging'] },
      { account: '333333333333', region: 'af-south-1', environments: ['prod', 'prod-b'] },
    ]);
  });

  it('is on by default only when an environment lives elsewhere; an explicit value wins', () => {
    expect(replicationEnabled(undefined, { registry, environments })).toBe(true);
    const together = { registry, environments: { dev: environments.dev } };
    expect(replicationEnabled(undefined, together)).toBe(false);
    expect(replicationEnabled(false, { registry, environments })).toBe(false);
    expect(replicationEnabled(true, together)).toBe(true);
  });

  it("pulls from the environment's own place with replication, else from the registry", () => {
    expect(pullRegistry({ ...registry, replication: true }, environments.prod)).toEqual(environments.prod);
    expect(pullRegistry({ ...registry, replication: false }, environments.prod)).toEqual(registry);
  });
});
