/**
 * The tool-database SQL against the real PostgreSQL of the tests (TEST_DATABASE_URL, trust auth).
 *
 * Scenarios and expected outcomes:
 * 1. A first run creates a login role (no superuser, createdb, createrole) and a database it owns;
 *    the role connects to it and creates a table there.
 * 2. A second run with the same input succeeds and changes nothing (same owner, no new database).
 * 3. A run with a new password replaces the stored SCRAM verifier with one for the new password.
 * 4. The role owns only its database; other roles (PUBLIC) cannot connect to it.
 * 5. The verifier is the one PostgreSQL itself computes for the same password and salt.
 * 6. Names outside [a-z_][a-z0-9_]* are refused before any SQL runs; identifiers and literals quote.
 */
import { randomBytes } from 'node:crypto';
import { TEST_DATABASE_URL } from '@slipway/testing/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from './handler.ts';
import { ensureToolDatabase, quoteIdentifier, quoteLiteral, scramVerifier } from './sql.ts';

const suffix = randomBytes(4).toString('hex');
const role = `grafana_t${suffix}`;
const database = `grafana_t${suffix}`;
const outsider = `outsider_t${suffix}`;
let admin: pg.Client;

function connectAs(user: string, db: string): pg.Client {
  const url = new URL(TEST_DATABASE_URL);
  url.username = user;
  url.pathname = `/${db}`;
  return new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
}

/** True when `password` matches the SCRAM verifier PostgreSQL stores for `name`. */
async function passwordMatches(name: string, password: string): Promise<boolean> {
  const { rows } = await admin.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [name]);
  const stored = String(rows[0]?.rolpassword);
  const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored) ?? [];
  return scramVerifier(password, Buffer.from(String(salt), 'base64'), Number(iterations)) === stored;
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  await admin.connect();
});

afterAll(async () => {
  // Test clean-up only: the bootstrap itself never drops anything.
  await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`);
  for (const name of [role, outsider]) await admin.query(`DROP ROLE IF EXISTS ${quoteIdentifier(name)}`);
  await admin.end();
});

describe('tool database on PostgreSQL', { timeout: 30_000 }, () => {
  it('creates a login role and a database it owns, usable by the role', async () => {
    const result = await ensureToolDatabase(admin, { role, password: 'first-pw', database });
    expect(result).toEqual({ databaseCreated: true });
    const { rows } = await admin.query(
      'SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = $1',
      [role],
    );
    expect(rows).toEqual([{ rolcanlogin: true, rolsuper: false, rolcreatedb: false, rolcreaterole: false }]);
    expect(await passwordMatches(role, 'first-pw')).toBe(true);
    const client = connectAs(role, database);
    await client.connect();
    try {
      await client.query('CREATE TABLE dashboard (id int PRIMARY KEY)');
      await client.query('INSERT INTO dashboard VALUES (1)');
      expect((await client.query('SELECT current_user AS who')).rows).toEqual([{ who: role }]);
    } finally {
      await client.end();
    }
  });

  it('runs again without changing anything', async () => {
    const result = await ensureToolDatabase(admin, { role, password: 'first-pw', database });
    expect(result).toEqual({ databaseCreated: false });
    const client = connectAs(role, database);
    await client.connect();
    try {
      expect((await client.query('SELECT count(*)::int AS n FROM dashboard')).rows).toEqual([{ n: 1 }]);
    } finally {
      await client.end();
    }
  });

  it('sets the new password when the secret changed', async () => {
    await ensureToolDatabase(admin, { role, password: 'second-pw', database });
    expect(await passwordMatches(role, 'second-pw')).toBe(true);
    expect(await passwordMatches(role, 'first-pw')).toBe(false);
  });

  it('lets the role own only its database, and no one else connect to it', async () => {
    const owned = await admin.query(
      'SELECT datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = $1',
      [role],
    );
    expect(owned.rows).toEqual([{ datname: database }]);
    await admin.query(`CREATE ROLE ${quoteIdentifier(outsider)} LOGIN`);
    const other = connectAs(outsider, database);
    await expect(other.connect()).rejects.toThrow(/permission denied for database/);
    await other.end().catch(() => {});
  });

  it('stores the verifier PostgreSQL itself computes for the password', async () => {
    await admin.query("SET password_encryption = 'scram-sha-256'");
    await admin.query(`ALTER ROLE ${quoteIdentifier(outsider)} PASSWORD ${quoteLiteral("it's-pg")}`);
    expect(await passwordMatches(outsider, "it's-pg")).toBe(true);
  });

  it('handler: creates through the custom-resource event, keeps everything on delete', async () => {
    const lines: unknown[] = [];
    const handler = createHandler({
      adminCredentials: async () => ({ username: 'postgres', password: '' }),
      toolCredentials: async () => ({ username: role, password: 'third-pw' }),
      connect: async () => {
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        return client;
      },
      log: (fields) => lines.push(fields),
    });
    const props = { Role: role, Database: database };
    expect(await handler({ RequestType: 'Update', ResourceProperties: props })).toEqual({
      PhysicalResourceId: database,
      Data: { Database: database, Role: role },
    });
    expect(await passwordMatches(role, 'third-pw')).toBe(true);
    await handler({ RequestType: 'Delete', PhysicalResourceId: database, ResourceProperties: props });
    const still = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    expect(still.rows).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain('third-pw');
  });
});

describe('names and quoting', () => {
  it('refuses names that are not plain lower-case identifiers', async () => {
    const sent: string[] = [];
    const client = {
      query: async (text: string) => {
        sent.push(text);
        return { rows: [] };
      },
    };
    await expect(
      ensureToolDatabase(client, { role: 'Grafana"; DROP', password: 'x', database: 'grafana' }),
    ).rejects.toThrow(/role name must match/);
    expect(sent).toEqual([]);
  });

  it('doubles embedded quotes', () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });
});
