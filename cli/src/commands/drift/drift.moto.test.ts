/**
 * `slipway drift` with the CLI's own AWS clients (the SDK factory and `sdkDrift`) against
 * moto_server 5.2, as far as moto goes:
 * 1. the credentials check (sts:GetCallerIdentity) passes for the environment's account, and the
 *    stacks checked are the ones the CDK app builds for it, each deployed in moto (CreateStack);
 * 2. moto does not implement drift detection (DetectStackDrift answers HTTP 500 with an HTML page
 *    saying NotImplementedError), which is exactly the case that must never pass for "clean": every stack
 *    is reported ERROR with the SDK's error and its HTTP status, the JSON says `error`, and the
 *    command fails with SW222 (exit 1), not 0 and not 5.
 * The classification of real drift runs against a fake of the drift calls (drift.test.ts).
 */
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import type { SlipwayConfig } from '@slipway/config';
import { shippedConfig } from '@slipway/testing/cli/fixtures';
import { type MotoServer, motoServerAvailability, startMotoServer } from '@slipway/testing/moto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkDrift } from '../../aws/drift-api.ts';
import { sdkFactory } from '../../aws/sdk.ts';
import { CliError, EXIT } from '../../errors.ts';
import { captureIo } from '../../io.ts';
import { type DriftResult, driftCommand, environmentStacks } from './index.ts';

const moto = motoServerAvailability();
const REGION = 'af-south-1';
const PROD_ACCOUNT = '333333333333';

describe.skipIf(!moto.available)('slipway drift against moto_server', () => {
  let server: MotoServer;
  let config: SlipwayConfig;
  const saved = { ...process.env };
  beforeAll(async () => {
    config = await shippedConfig();
    // moto answers GetCallerIdentity with this account, so the credentials check sees prod's.
    process.env.MOTO_ACCOUNT_ID = PROD_ACCOUNT;
    server = await startMotoServer({ region: REGION });
    delete process.env.MOTO_ACCOUNT_ID;
    // The CLI's clients read the standard chain; point it at moto (this file's worker only).
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, server.env, { AWS_EC2_METADATA_DISABLED: 'true' });
  });
  afterAll(async () => {
    process.env = saved;
    await server?.stop();
  });

  it('checks every stack of the environment and concludes nothing when detection is unavailable', async () => {
    const stacks = environmentStacks(config, 'prod');
    const cfn = new CloudFormationClient({ region: REGION });
    for (const name of stacks) {
      const marker = {
        Type: 'AWS::SSM::Parameter',
        Properties: { Name: `/${name}`, Type: 'String', Value: 'x' },
      };
      const template = JSON.stringify({ Resources: { Marker: marker } });
      await cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: template }));
    }

    const cap = captureIo();
    const error = await driftCommand(config, 'prod', { json: true }, cap.io, {
      factory: sdkFactory,
      // One attempt: the SDK retries an HTTP 500 with backoff, which only slows this test down.
      drift: sdkDrift({ maxAttempts: 1 }),
      stacks: environmentStacks,
    }).then(
      (code) => code,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('SW222');
    expect((error as CliError).exitCode).toBe(EXIT.failed);
    const doc = JSON.parse(cap.stdout()) as DriftResult;
    expect(doc.outcome).toBe('error');
    expect(doc.stacks.map((s) => s.stack)).toEqual(stacks);
    for (const s of doc.stacks) {
      expect(s.status, s.stack).toBe('ERROR');
      // moto's answer is an HTML error page the SDK cannot parse: only the status is dependable.
      expect(s.error, s.stack).toMatch(/^could not start drift detection: .+ \(HTTP 500\)$/);
      expect(s.error, s.stack).not.toMatch(/does not exist/);
    }
    expect(cap.progressLog[1]).toBe(
      `succeed 4 stacks of prod in account ${PROD_ACCOUNT} (${REGION}): ${stacks.join(', ')}`,
    );
  });
});
