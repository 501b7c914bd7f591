/**
 * The migrate hook's SSM calls against moto_server.
 *
 * Scenarios and expected outcomes:
 * 1. Neither parameter exists: both read as undefined (the hook then migrates).
 * 2. recordApplied creates the applied parameter, and overwrites it on the next success.
 * 3. The release parameter is read as written.
 */
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { type MotoServer, motoServerAvailability, startMotoServer } from '@slipway/testing/moto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigrationDigests } from './digests.ts';

const moto = motoServerAvailability();
const NAMES = {
  release: '/slipway/prod/release/migrations-digest',
  applied: '/slipway/prod/migrations/applied-digest',
};

describe.skipIf(!moto.available)('migrations digests against moto SSM', { timeout: 60_000 }, () => {
  let server: MotoServer;
  let ssm: SSMClient;

  beforeAll(async () => {
    server = await startMotoServer();
    ssm = new SSMClient(server.clientConfig);
  });
  afterAll(async () => {
    ssm?.destroy();
    await server?.stop();
  });

  it('reads missing parameters as undefined, then what was written', async () => {
    const digests = createMigrationDigests(ssm, NAMES);
    expect(await digests.release()).toBeUndefined();
    expect(await digests.applied()).toBeUndefined();

    await digests.recordApplied('a'.repeat(64));
    expect(await digests.applied()).toBe('a'.repeat(64));
    await digests.recordApplied('b'.repeat(64));
    expect(await digests.applied()).toBe('b'.repeat(64));

    const release = `3f2c1ab:${'c'.repeat(64)}`;
    await ssm.send(new PutParameterCommand({ Name: NAMES.release, Value: release, Type: 'String' }));
    expect(await digests.release()).toBe(release);
  });
});
