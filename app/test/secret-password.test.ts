/**
 * A rotating database password (DB_SECRET_ARN), for RDS secrets that Secrets Manager rotates.
 *
 * Scenarios and expected outcomes:
 * - the password the task started with is used until it is `refreshAfterMs` old, then re-read
 * - concurrent logins share one read; `invalidate()` forces the next login to re-read
 * - a failed read keeps the last password, reports the error (without the secret) and retries later
 * - no starting password and a failed read: the login fails with the read's error
 * - the secret's `password` field is required; errors name the secret, never its content
 * - against moto_server: the default reader gets the current version of a real secret, a rotation
 *   (PutSecretValue) is seen after the refresh age
 * - the pool sends the source's password at each new login (to a stand-in server that asks for a
 *   password; a PostgreSQL with trust authentication never asks)
 * - config: DB_SECRET_ARN must be an ARN and needs a server
 */
// cspell:ignore SFATAL Mpassword

import { type AddressInfo, createServer } from 'node:net';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type MotoServer, motoServerAvailability, startMotoServer } from '@slipway/testing/moto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { passwordOf, secretPassword } from '../src/db/secret-password.ts';

const ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:slipway/dev/db-AbCdEf';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('secretPassword', () => {
  it('uses the starting password until it is refreshAfterMs old, then re-reads the secret', async () => {
    const time = clock();
    const reads: string[] = [];
    const password = secretPassword({
      secretArn: ARN,
      initial: 'first',
      refreshAfterMs: 60_000,
      now: time.now,
      read: async (arn) => {
        reads.push(arn);
        return 'rotated';
      },
    });
    expect(await password()).toBe('first');
    time.advance(59_999);
    expect(await password()).toBe('first');
    expect(reads).toEqual([]);
    time.advance(1);
    expect(await password()).toBe('rotated');
    expect(await password()).toBe('rotated');
    expect(reads).toEqual([ARN]);
  });

  it('shares one read between concurrent logins, and re-reads after invalidate()', async () => {
    let reads = 0;
    let release: (value: string) => void = () => {};
    const password = secretPassword({
      secretArn: ARN,
      read: () => {
        reads += 1;
        return new Promise<string>((resolve) => {
          release = resolve;
        });
      },
    });
    const logins = [password(), password(), password()];
    release('one');
    expect(await Promise.all(logins)).toEqual(['one', 'one', 'one']);
    expect(reads).toBe(1);
    password.invalidate();
    const next = password();
    release('two');
    expect(await next).toBe('two');
    expect(reads).toBe(2);
  });

  it('keeps the last password when a read fails, reports it and retries after a pause', async () => {
    const time = clock();
    const errors: string[] = [];
    let fail = true;
    let reads = 0;
    const password = secretPassword({
      secretArn: ARN,
      initial: 'first',
      refreshAfterMs: 60_000,
      now: time.now,
      onError: (e) => errors.push(e.message),
      read: async () => {
        reads += 1;
        if (fail) throw new Error('throttled');
        return 'second';
      },
    });
    time.advance(60_000);
    expect(await password()).toBe('first');
    expect(errors).toEqual(['throttled']);
    // Not on every login: the next read waits 5 s.
    time.advance(4_000);
    expect(await password()).toBe('first');
    expect(reads).toBe(1);
    fail = false;
    time.advance(1_000);
    expect(await password()).toBe('second');
    expect(reads).toBe(2);
  });

  it('fails the login when there is no password yet and the read fails', async () => {
    const password = secretPassword({
      secretArn: ARN,
      read: async () => {
        throw new Error('AccessDeniedException: not authorized');
      },
    });
    await expect(password()).rejects.toThrow(/AccessDenied/);
  });
});

describe('passwordOf', () => {
  it('reads the password field of an RDS secret', () => {
    expect(passwordOf('{"username":"app_admin","password":"s3cr3t","host":"h"}', ARN)).toBe('s3cr3t');
  });

  it('names the secret and never echoes its content', () => {
    for (const content of ['not json s3cr3t', '{"username":"s3cr3t"}', '{"password":""}', 'null']) {
      let message = '';
      try {
        passwordOf(content, ARN);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(ARN);
      expect(message).not.toContain('s3cr3t');
    }
    expect(() => passwordOf(undefined, ARN)).toThrow(/has no SecretString/);
  });
});

const moto = motoServerAvailability();

describe.skipIf(!moto.available)('the Secrets Manager reader, against moto_server', () => {
  let server: MotoServer;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    server = await startMotoServer();
    // The default reader builds its own client from the environment, as in a task.
    for (const [key, value] of Object.entries(server.env)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
  });

  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await server?.stop();
  });

  it('reads the current password, and the rotated one once the copy is old enough', async () => {
    const sm = new SecretsManagerClient(server.clientConfig);
    const created = await sm.send(
      new CreateSecretCommand({
        Name: 'slipway/dev/db',
        SecretString: JSON.stringify({ username: 'app_admin', password: 'before' }),
      }),
    );
    const time = clock();
    const password = secretPassword({
      secretArn: created.ARN as string,
      refreshAfterMs: 60_000,
      now: time.now,
    });
    expect(await password()).toBe('before');
    await sm.send(
      new PutSecretValueCommand({
        SecretId: created.ARN,
        SecretString: JSON.stringify({ username: 'app_admin', password: 'after' }),
      }),
    );
    expect(await password()).toBe('before');
    time.advance(60_000);
    expect(await password()).toBe('after');
  });
});

/**
 * The first steps of a PostgreSQL server that asks for a cleartext password (protocol 3.0:
 * AuthenticationCleartextPassword, then the client's PasswordMessage), recording what it receives
 * and refusing the login. A PostgreSQL with trust authentication never asks.
 */
async function passwordAskingServer() {
  const received: string[] = [];
  const server = createServer((socket) => {
    let buffer = Buffer.alloc(0);
    let started = false;
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!started && buffer.length >= 4 && buffer.length >= buffer.readInt32BE(0)) {
        buffer = buffer.subarray(buffer.readInt32BE(0));
        started = true;
        const ask = Buffer.alloc(9);
        ask.write('R', 0);
        ask.writeInt32BE(8, 1);
        ask.writeInt32BE(3, 5);
        socket.write(ask);
      }
      if (started && buffer.length >= 5 && buffer[0] === 0x70 && buffer.length >= 1 + buffer.readInt32BE(1)) {
        received.push(buffer.subarray(5, buffer.readInt32BE(1)).toString('utf8').replace(/\0$/, ''));
        const text = Buffer.from('SFATAL\0C28P01\0Mpassword authentication failed\0\0');
        const refuse = Buffer.alloc(5);
        refuse.write('E', 0);
        refuse.writeInt32BE(4 + text.length, 1);
        socket.end(Buffer.concat([refuse, text]));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return { port: address.port, received, close: () => new Promise((r) => server.close(r)) };
}

describe('the pool with a rotating password', () => {
  it('sends the password the source gives at each new login', async () => {
    const server = await passwordAskingServer();
    let asked = 0;
    const pool = new pg.Pool({
      host: '127.0.0.1',
      port: server.port,
      user: 'app_admin',
      database: 'app',
      max: 2,
      password: secretPassword({
        secretArn: ARN,
        refreshAfterMs: 0,
        read: async () => {
          asked += 1;
          return `rotated-${asked}`;
        },
      }),
    });
    try {
      await expect(pool.query('select 1')).rejects.toMatchObject({ code: '28P01' });
      await expect(pool.query('select 1')).rejects.toMatchObject({ code: '28P01' });
      expect(server.received).toEqual(['rotated-1', 'rotated-2']);
    } finally {
      await pool.end();
      await server.close();
    }
  });
});

describe('DB_SECRET_ARN in the configuration', () => {
  const errorLines = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.lines;
      throw error;
    }
    return [];
  };

  it('is kept on the server target', () => {
    const config = loadConfig({ DB_HOST: 'db.internal', DB_PASSWORD: 'x', DB_SECRET_ARN: ARN });
    expect(config.database).toMatchObject({ kind: 'server', secretArn: ARN });
  });

  it('must be a secret ARN, and needs a server', () => {
    expect(errorLines({ DB_HOST: 'db.internal', DB_SECRET_ARN: 'slipway/dev/db' })).toEqual([
      'DB_SECRET_ARN: got "slipway/dev/db"; expected a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)',
    ]);
    expect(errorLines({ DB_SECRET_ARN: ARN })[0]).toMatch(/^DB_SECRET_ARN: .*expected a database server/);
  });
});
