/*
 * The cost of regional images (`registry.replication`), on the shipped config and on hand-made
 * templates:
 *   - the registry account (us-east-1) pays the transfer of every push to staging's and prod's
 *     copies in af-south-1: 2 destinations × 1 repository × 60 pushes × 0.25 GiB × $0.02/GB
 *   - staging's and prod's accounts each pay the storage of their copy (1 × 2 GiB at af-south-1's
 *     ECR price, an estimate there)
 *   - a destination in the registry's own region (another account) transfers free
 *   - `replication: false`: neither line
 */
import { shippedAssembly } from '@slipway/testing/cli/fixtures';
import { configVariant, shippedConfig } from '@slipway/testing/synth';
import { describe, expect, it } from 'vitest';
import { accountPlans } from '../commands/plan.ts';
import type { StackInfo } from '../synth/synthesize.ts';
import { synthesize } from '../synth/synthesize.ts';
import type { Template } from '../synth/template.ts';
import { estimateCost } from './model.ts';

const stack = (template: Template, region = 'us-east-1'): StackInfo => ({
  stackName: 'slipway-registry',
  environment: undefined,
  account: '111111111111',
  region,
  template,
  templatePath: '/dev/null',
  constructPath: 'slipway-registry',
  dependencies: [],
  terminationProtection: false,
});

const lineOf = (lines: { item: string; monthly: number; detail: string }[], item: string) =>
  lines.find((l) => l.item.startsWith(item));

describe('the cost of regional images', () => {
  it('charges the registry account the transfer and each destination account its copy', async () => {
    const plans = accountPlans(await shippedAssembly(), await shippedConfig());
    const registry = plans.find((p) => p.account === '111111111111');
    const transfer = lineOf(registry?.cost.lines ?? [], 'ECR replication transfer');
    expect(transfer).toMatchObject({
      item: 'ECR replication transfer (us-east-1 → af-south-1: 2 destinations)',
      detail: '2 × 2 repositories × 60 pushes × 0.25 GiB = 60 GiB × $0.02/GB',
      monthly: 1.2,
      estimatedPrice: false,
      assumption: 'imagePushesMonth',
    });
    for (const account of ['222222222222', '333333333333']) {
      const plan = plans.find((p) => p.account === account);
      expect(plan?.stacks).toContain(`slipway-registry-replica-${account}-af-south-1`);
      expect(lineOf(plan?.cost.lines ?? [], 'ECR replica storage'), account).toMatchObject({
        item: 'ECR replica storage (1 × 2 GiB)',
        detail: '2 GiB × $0.130/GB-month',
        monthly: 0.26,
        estimatedPrice: true,
      });
    }
    console.log(
      `plan, regional images: transfer $${transfer?.monthly}/month from us-east-1; storage $0.26/month in each of 2 replicas`,
    );
  });

  it('charges nothing for a destination in the registry region', () => {
    const template: Template = {
      Resources: {
        Repo: { Type: 'AWS::ECR::Repository', Properties: {} },
        Replication: {
          Type: 'AWS::ECR::ReplicationConfiguration',
          Properties: {
            ReplicationConfiguration: {
              Rules: [
                {
                  Destinations: [
                    { Region: 'us-east-1', RegistryId: '222222222222' },
                    { Region: 'eu-north-1', RegistryId: '111111111111' },
                  ],
                },
              ],
            },
          },
        },
      },
    };
    const line = lineOf(estimateCost([stack(template)]).lines, 'ECR replication transfer');
    expect(line).toMatchObject({
      item: 'ECR replication transfer (us-east-1 → eu-north-1: 1 destination, 1 in us-east-1 free)',
      monthly: 0.3,
    });
  });

  it('has neither line with replication: false', async () => {
    const off = await configVariant((c) => {
      c.registry = { ...c.registry, replication: false };
    });
    const synthesized = synthesize(off, { bundling: false, environments: ['prod'] });
    const lines = accountPlans(synthesized, off).flatMap((p) => p.cost.lines.map((l) => l.item));
    expect(lines.filter((l) => l.startsWith('ECR replica'))).toEqual([]);
  });
});
