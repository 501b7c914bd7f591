/*
 * The shipped config has no backend service (its app has nothing to call), so the per-environment
 * policy test never sees one. Here a variant adds `users` (a backend that api calls), so each
 * environment synthesizes all four service types, and the same checks run on the stacks of the two
 * environments that differ most (dev: one zone, Spot, rolling; prod: three zones, on-demand base,
 * canary, its own region):
 *   - cdk-nag AwsSolutions and the AWS Control Tower rules: nothing unacknowledged
 *   - cfn-lint in the environment's region: nothing, on every template the backend changes (the
 *     others equal the shipped config's, which the policy test lints)
 *   - the backend really is there (a Service Connect server), so a clean result means something
 */
import type { SlipwayConfigInput } from '@slipway/config';
import {
  CFN_LINT_INSTALL,
  cfnLint,
  cfnLintAvailable,
  requireTool,
  validationFindings,
} from '@slipway/testing/policy';
import { configVariant, type Synthesized, shippedConfig, synth, templatesOf } from '@slipway/testing/synth';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';

const GROUPS = ['dev', 'prod'];
let synthesized: Synthesized;

beforeAll(async () => {
  const config = await configVariant((input: SlipwayConfigInput) => {
    // biome-ignore lint/suspicious/noExplicitAny: the variant reshapes the config input freely
    const services = input.services as Record<string, any>;
    services.users = { type: 'backend', image: { from: 'web' }, port: 3000 };
    services.api.calls = ['worker', 'users'];
  });
  synthesized = synth(config, { policies: true, environments: GROUPS });
});

describe.each(GROUPS)('%s with all four service types', (env) => {
  it('has the backend as a Service Connect server, the worker queue and the job state machine', () => {
    const service = templatesOf(synthesized, env).service;
    service.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    service.resourceCountIs('AWS::SQS::Queue', 2);
    service.hasResourceProperties('AWS::ECS::Service', {
      ServiceConnectConfiguration: Match.objectLike({
        Enabled: true,
        Services: [Match.objectLike({ DiscoveryName: 'users' })],
      }),
    });
  });

  it('leaves no unacknowledged cdk-nag or Control Tower finding', () => {
    const findings = validationFindings(synthesized.assembly.directory).filter((f) =>
      f.stack.startsWith(`slipway-${env}-`),
    );
    expect(findings).toEqual([]);
  });

  it('passes cfn-lint in its region, on every template the backend changes', async () => {
    if (!requireTool('cfn-lint', cfnLintAvailable(), CFN_LINT_INSTALL)) return;
    // The templates equal to the shipped config's are the policy test's to lint.
    const shipped = synth(await shippedConfig()).assembly;
    const stacks = synthesized.assembly.stacks.filter(
      (a) =>
        a.stackName.startsWith(`slipway-${env}-`) &&
        JSON.stringify(a.template) !== JSON.stringify(shipped.getStackByName(a.stackName).template),
    );
    expect(stacks.map((a) => a.stackName)).toContain(`slipway-${env}-service`);
    const region = stacks[0]?.environment.region ?? 'us-east-1';
    expect(
      await cfnLint(
        stacks.map((a) => a.templateFullPath),
        [region],
      ),
    ).toEqual([]);
  });
});
