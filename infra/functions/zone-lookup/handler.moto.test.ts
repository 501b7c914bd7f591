/**
 * The hosted-zone lookup against moto_server's Route 53.
 *
 * Scenarios and expected outcomes:
 * 1. A public zone example.com beside a private zone of the same name and zones sorting around it:
 *    the public zone's id, without the `/hostedzone/` prefix; a trailing dot and capitals change nothing.
 * 2. A name with no zone (the listing would start at the next one): fails, naming the zone.
 * 3. Two public zones of one name: fails, listing both ids and asking for the id in domain.zone.
 * 4. A delete event answers with its physical id.
 */
import { CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { type MotoServer, motoServerAvailability, startMotoServer } from '@slipway/testing/moto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, findPublicZoneId } from './handler.ts';

const moto = motoServerAvailability();

describe.skipIf(!moto.available)('hosted zone lookup against moto Route 53', { timeout: 60_000 }, () => {
  let server: MotoServer;
  let route53: Route53Client;
  let publicId: string;

  const zone = async (name: string, privateZone = false) => {
    const created = await route53.send(
      new CreateHostedZoneCommand({
        Name: name,
        CallerReference: `${name}-${privateZone}-${Math.random()}`,
        HostedZoneConfig: { PrivateZone: privateZone, Comment: 'test' },
        ...(privateZone ? { VPC: { VPCRegion: 'us-east-1', VPCId: 'vpc-12345678' } } : {}),
      }),
    );
    return (created.HostedZone?.Id ?? '').replace('/hostedzone/', '');
  };

  beforeAll(async () => {
    server = await startMotoServer();
    route53 = new Route53Client(server.clientConfig);
    await zone('a.example.com');
    await zone('example.com', true);
    publicId = await zone('example.com');
    await zone('example.net');
    await zone('twice.example.org');
    await zone('twice.example.org');
  });
  afterAll(async () => {
    route53?.destroy();
    await server?.stop();
  });

  it('finds the public zone of exactly that name, skipping the private one', async () => {
    expect(publicId).toMatch(/^[A-Z0-9]+$/);
    expect(await findPublicZoneId({ route53 }, 'example.com')).toBe(publicId);
    expect(await findPublicZoneId({ route53 }, 'Example.COM.')).toBe(publicId);
  });

  it('fails for a name without a zone instead of taking the next one', async () => {
    await expect(findPublicZoneId({ route53 }, 'example.io')).rejects.toThrow(
      'no public Route 53 hosted zone named example.io.',
    );
  });

  it('fails for two public zones of one name, asking for the id', async () => {
    await expect(findPublicZoneId({ route53 }, 'twice.example.org')).rejects.toThrow(
      /2 public hosted zones are named twice\.example\.org\..*set domain\.zone to the id/,
    );
  });

  it('answers create with the id as physical id and data, delete with its physical id', async () => {
    const handler = createHandler({ route53 });
    expect(await handler({ RequestType: 'Create', ResourceProperties: { ZoneName: 'example.com' } })).toEqual(
      {
        PhysicalResourceId: publicId,
        Data: { HostedZoneId: publicId },
      },
    );
    expect(
      await handler({ RequestType: 'Delete', PhysicalResourceId: publicId, ResourceProperties: {} }),
    ).toEqual({ PhysicalResourceId: publicId });
  });
});
