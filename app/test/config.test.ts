/**
 * Configuration from environment variables.
 *
 * Scenarios and expected outcomes:
 * - nothing set: port 3000, embedded database in app/.data/pglite, migrations at start, 10 s drain.
 * - every invalid value is reported at once, one line per variable: `NAME: got "value"; expected ...`;
 *   secrets are never echoed.
 * - a server (DATABASE_URL or DB_*) replaces the embedded database; DB_SSL=require verifies the
 *   certificate against the RDS CA bundle.
 * - queue URLs (QUEUE_URL, WORKER_QUEUE_URL) and PRUNE_AFTER_DAYS: unset by default (30 days), checked.
 * - the bundled process exits 1 with one line on stderr for an invalid value, 2 for a bad command.
 */
import { join } from 'node:path';
import { MAX_SHUTDOWN_TIMEOUT_MS } from '@slipway/config/contract';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { appRoot, ConfigError, loadConfig } from '../src/config.ts';
import { clientConfig, describeTarget, serverTarget } from '../src/db/connection.ts';
import { killAll, spawnBundle } from './process.ts';

afterAll(killAll);

function errorLines(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.lines;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('queues and pruning', () => {
  const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/slipway-dev-worker';

  it('has no queue and prunes after 30 days by default', () => {
    expect(loadConfig({})).toMatchObject({ queueUrl: null, workerQueueUrl: null, pruneAfterDays: 30 });
  });

  it('takes SQS queue URLs, and http ones for a local endpoint', () => {
    const local = 'http://localhost:5000/123456789012/work.fifo';
    expect(loadConfig({ QUEUE_URL: url, WORKER_QUEUE_URL: local, PRUNE_AFTER_DAYS: '7' })).toMatchObject({
      queueUrl: url,
      workerQueueUrl: local,
      pruneAfterDays: 7,
    });
  });

  it('rejects what is not a queue URL, and ages outside 1-36500 days', () => {
    expect(
      errorLines({
        QUEUE_URL: 'slipway-dev-worker',
        WORKER_QUEUE_URL: `${url}/extra`,
        PRUNE_AFTER_DAYS: '0',
      }),
    ).toEqual([
      'QUEUE_URL: got "slipway-dev-worker"; expected an SQS queue URL like https://sqs.eu-west-1.amazonaws.com/123456789012/name',
      `WORKER_QUEUE_URL: got "${url}/extra"; expected an SQS queue URL like https://sqs.eu-west-1.amazonaws.com/123456789012/name`,
      'PRUNE_AFTER_DAYS: got "0"; expected an integer 1-36500',
    ]);
  });
});

describe('defaults', () => {
  it('runs locally on port 3000 with the embedded database kept in app/.data/pglite', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      nodeEnv: 'production',
      name: pkg.name,
      version: pkg.version,
      commit: 'unknown',
      environment: 'local',
      region: null,
      logLevel: 'info',
      dbSchema: 'public',
      dbPoolMax: 10,
      migrateOnStart: true,
      shutdownTimeoutMs: 10000,
      bodyLimitBytes: 65536,
      healthCheckSlowMs: 1000,
      database: { kind: 'embedded', mode: 'file', dataDir: join(appRoot, '.data', 'pglite') },
    });
  });

  it('takes the slow health-check threshold from HEALTH_CHECK_SLOW_MS', () => {
    expect(loadConfig({ HEALTH_CHECK_SLOW_MS: '250' }).healthCheckSlowMs).toBe(250);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', GIT_SHA: '' })).toMatchObject({ port: 3000, commit: 'unknown' });
  });

  it('--memory (or DB_EMBEDDED=memory) keeps the embedded database in memory', () => {
    expect(loadConfig({}, { embedded: 'memory' }).database).toMatchObject({
      kind: 'embedded',
      mode: 'memory',
    });
    expect(loadConfig({ DB_EMBEDDED: 'memory' }).database).toMatchObject({
      kind: 'embedded',
      mode: 'memory',
    });
  });

  it('takes version, commit, environment and region from APP_VERSION, GIT_SHA, APP_ENV, AWS_REGION', () => {
    expect(
      loadConfig({ APP_VERSION: '1.2.3', GIT_SHA: 'deadbeef', APP_ENV: 'prod', AWS_REGION: 'us-east-1' }),
    ).toMatchObject({ version: '1.2.3', commit: 'deadbeef', environment: 'prod', region: 'us-east-1' });
  });

  it('MIGRATE_ON_START accepts true and false', () => {
    expect(loadConfig({ MIGRATE_ON_START: 'false' }).migrateOnStart).toBe(false);
    expect(loadConfig({ MIGRATE_ON_START: 'true' }).migrateOnStart).toBe(true);
  });
});

describe('shutdown bound', () => {
  it('accepts the longest drain Slipway deploys: its stop timeout limit less the 5 s margin', () => {
    const ms = String(MAX_SHUTDOWN_TIMEOUT_MS);
    expect(loadConfig({ SHUTDOWN_TIMEOUT_MS: ms }).shutdownTimeoutMs).toBe(MAX_SHUTDOWN_TIMEOUT_MS);
  });
});

describe('invalid values', () => {
  it('names the variable, the value and what is allowed, on one line', () => {
    expect(errorLines({ PORT: 'abc' })).toEqual(['PORT: got "abc"; expected an integer 1-65535']);
  });

  it.each([
    ['PORT', '70000', 'PORT: got "70000"; expected an integer 1-65535'],
    ['PORT', '3000.5', 'PORT: got "3000.5"; expected an integer 1-65535'],
    ['PORT', '1e3', 'PORT: got "1e3"; expected an integer 1-65535'],
    ['MIGRATE_ON_START', '1', 'MIGRATE_ON_START: got "1"; expected true or false'],
    [
      'LOG_LEVEL',
      'loud',
      'LOG_LEVEL: got "loud"; expected one of fatal, error, warn, info, debug, trace, silent',
    ],
    ['DB_SSL', 'verify-full', 'DB_SSL: got "verify-full"; expected one of disable, require'],
    ['MIGRATE_ON_START', 'yes', 'MIGRATE_ON_START: got "yes"; expected true or false'],
    ['SHUTDOWN_TIMEOUT_MS', '116000', 'SHUTDOWN_TIMEOUT_MS: got "116000"; expected an integer 0-115000'],
    ['HSTS_MAX_AGE', '-1', 'HSTS_MAX_AGE: got "-1"; expected an integer 0-63072000'],
    ['DB_SCHEMA', 'Robert"; DROP', 'DB_SCHEMA: got "Robert\\"; DROP"; expected a lower-case SQL identifier'],
    ['AWS_REGION', 'moon', 'AWS_REGION: got "moon"; expected an AWS region like eu-west-1'],
    ['NODE_ENV', 'prod', 'NODE_ENV: got "prod"; expected one of production, development, test'],
    ['DB_EMBEDDED', 'disk', 'DB_EMBEDDED: got "disk"; expected one of file, memory'],
    ['HEALTH_CHECK_SLOW_MS', '0', 'HEALTH_CHECK_SLOW_MS: got "0"; expected an integer 1-60000'],
  ])('%s=%s is rejected', (name, value, line) => {
    const lines = errorLines({ [name]: value });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.startsWith(line)).toBe(true);
  });

  it('reports every invalid variable at once', () => {
    expect(errorLines({ PORT: 'x', LOG_LEVEL: 'y', DB_POOL_MAX: '0' })).toEqual([
      'PORT: got "x"; expected an integer 1-65535',
      'LOG_LEVEL: got "y"; expected one of fatal, error, warn, info, debug, trace, silent',
      'DB_POOL_MAX: got "0"; expected an integer 1-100',
    ]);
  });

  it('never prints a secret value', () => {
    const lines = errorLines({ DATABASE_URL: 'mysql://admin:s3cret@db/app' });
    expect(lines).toEqual(['DATABASE_URL: got (hidden); expected a postgres:// or postgresql:// URL']);
  });

  it('rejects sslmode in DATABASE_URL: DB_SSL decides, so CA verification cannot be dropped by the URL', () => {
    expect(errorLines({ DATABASE_URL: 'postgres://u@h/db?sslmode=no-verify' })).toEqual([
      'DATABASE_URL: got (hidden); expected no sslmode/ssl parameter in the URL; use DB_SSL instead',
    ]);
  });

  it('rejects DATABASE_URL together with DB_HOST, and DB_SSL=require without a server', () => {
    expect(errorLines({ DATABASE_URL: 'postgres://u@h/db', DB_HOST: 'other' })[0]).toMatch(
      /^DATABASE_URL: got \(hidden\) and DB_HOST: got "other"; expected only one of them/,
    );
    expect(errorLines({ DB_SSL: 'require' })[0]).toMatch(
      /^DB_SSL: got "require"; expected a database server/,
    );
  });
});

describe('database server', () => {
  it('uses DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD as ECS injects them from the RDS secret', async () => {
    const config = loadConfig({
      DB_HOST: 'app.cluster-abc.eu-west-1.rds.amazonaws.com',
      DB_PORT: '5433',
      DB_NAME: 'app',
      DB_USER: 'app_user',
      DB_PASSWORD: 'pw',
      DB_SSL: 'require',
    });
    const target = serverTarget(config);
    expect(target).toEqual({
      host: 'app.cluster-abc.eu-west-1.rds.amazonaws.com',
      port: 5433,
      database: 'app',
      user: 'app_user',
      password: 'pw',
      ssl: 'require',
    });
    const client = await clientConfig(target as NonNullable<typeof target>, {
      applicationName: 'x',
      connectTimeoutMs: 1000,
      statementTimeoutMs: 0,
    });
    const ssl = client.ssl as { ca: string[]; rejectUnauthorized: boolean };
    expect(ssl.rejectUnauthorized).toBe(true);
    // The RDS bundle: one root CA per region family (rds-ca-rsa2048-g1, rsa4096, ecc384, ...).
    expect(ssl.ca.length).toBeGreaterThan(20);
    expect(ssl.ca.every((pem) => pem.includes('BEGIN CERTIFICATE'))).toBe(true);
    expect(describeTarget(target as NonNullable<typeof target>)).not.toContain('pw');
  });

  it('DB_SSL=disable (the default) connects without TLS', async () => {
    const target = serverTarget(loadConfig({ DATABASE_URL: 'postgres://u:pw@localhost/db' }));
    const client = await clientConfig(target as NonNullable<typeof target>, {
      applicationName: 'x',
      connectTimeoutMs: 1000,
      statementTimeoutMs: 0,
    });
    expect(client.ssl).toBe(false);
    expect(describeTarget(target as NonNullable<typeof target>)).toBe('localhost:5432/db (ssl disable)');
  });
});

describe('the bundled process', () => {
  it('exits 1 with exactly one line naming the variable for an invalid value', async () => {
    const proc = spawnBundle([], { PORT: 'abc' });
    const { code } = await proc.exited;
    expect(code).toBe(1);
    expect(proc.output()).toBe('PORT: got "abc"; expected an integer 1-65535\n');
  });

  it('migrate exits 1 for an invalid value too', async () => {
    const proc = spawnBundle(['migrate'], { DB_PORT: 'five' });
    expect((await proc.exited).code).toBe(1);
    expect(proc.output()).toBe('DB_PORT: got "five"; expected an integer 1-65535\n');
  });

  it('exits 2 with the usage for an unknown command or option', async () => {
    for (const args of [['serve', 'extra'], ['deploy'], ['--bogus']]) {
      const proc = spawnBundle(args, {});
      expect((await proc.exited).code, args.join(' ')).toBe(2);
      expect(proc.output()).toContain('usage: node dist/main.js [serve|migrate|worker|prune] [--memory]');
    }
  });
});
