import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * The SQL that gives a tool its own role and database on the environment's PostgreSQL. Every
 * statement is safe to run again: the role is created in a DO block that ignores an existing one,
 * the password is set on every run (so a changed secret takes effect), the database is created
 * only when missing. Nothing is ever dropped.
 */

/** What a connection must offer: one query at a time, text SQL with optional parameters. */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface ToolDatabase {
  /** Role (login) name, e.g. `grafana`. */
  readonly role: string;
  /** The role's password (stored as a SCRAM-SHA-256 verifier, never as plain text). */
  readonly password: string;
  /** Database the role owns, e.g. `grafana`. */
  readonly database: string;
}

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `"name"` with embedded quotes doubled: an identifier PostgreSQL cannot misread. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `'text'` with embedded quotes doubled (standard_conforming_strings is on since PostgreSQL 9.1). */
export function quoteLiteral(text: string): string {
  if (text.includes('\0')) throw new Error('a SQL literal cannot hold a NUL character');
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802 / RFC 7677, 4096
 * iterations as PostgreSQL's own): sent instead of the password, so the plain text never appears
 * in a statement that a slow-query log could record.
 */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** The statements, in order; CREATE DATABASE runs on its own (it cannot run in a DO block). */
export function roleStatements(tool: ToolDatabase): string[] {
  const role = quoteIdentifier(tool.role);
  // A literal inside the DO block's dollar-quoted body: the tag cannot occur in a checked name.
  return [
    `DO $slipway$ BEGIN CREATE ROLE ${role} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $slipway$`,
    `ALTER ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD ${quoteLiteral(scramVerifier(tool.password))}`,
    // CREATE DATABASE ... OWNER needs the creator to be able to SET ROLE to the owner (PostgreSQL 16+
    // gives the creator of a role ADMIN on it, not SET); granting it again only prints a notice.
    `GRANT ${role} TO CURRENT_USER`,
  ];
}

/** Creates or updates the role and creates its database when missing. Returns what it did. */
export async function ensureToolDatabase(
  client: SqlClient,
  tool: ToolDatabase,
): Promise<{ databaseCreated: boolean }> {
  for (const [what, name] of [
    ['role', tool.role],
    ['database', tool.database],
  ] as const) {
    if (!NAME.test(name)) throw new Error(`${what} name must match ${NAME}, got "${name}"`);
  }
  for (const statement of roleStatements(tool)) await client.query(statement);
  const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [tool.database]);
  let databaseCreated = false;
  if (found.rows.length === 0) {
    try {
      await client.query(
        `CREATE DATABASE ${quoteIdentifier(tool.database)} OWNER ${quoteIdentifier(tool.role)}`,
      );
      databaseCreated = true;
    } catch (error) {
      // 42P04 duplicate_database: created meanwhile by another run; the owner check below decides.
      if ((error as { code?: string }).code !== '42P04') throw error;
    }
  }
  const db = quoteIdentifier(tool.database);
  await client.query(`ALTER DATABASE ${db} OWNER TO ${quoteIdentifier(tool.role)}`);
  // Only its owner (and administrators) may connect to the tool's database.
  await client.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
  return { databaseCreated };
}
