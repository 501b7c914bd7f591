/**
 * Lambda entry point of the tool-database bootstrap: the `onEvent` handler of a CDK
 * custom-resource provider that creates Grafana's role and database on the environment's
 * PostgreSQL at deploy time. It runs in the VPC (the instance is in isolated subnets) and reads
 * both secrets from Secrets Manager when invoked, never from its environment.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { EnvReader } from '../shared/config.ts';
import { stdoutLogger } from '../shared/log.ts';
import { type Credentials, createHandler } from './handler.ts';

const env = new EnvReader('grafana-db', process.env);
const host = env.requiredString('DB_HOST', 'the instance endpoint address');
const port = Number(env.string('DB_PORT', '5432'));
const maintenanceDatabase = env.requiredString('DB_NAME', "the app database's name (to connect to)");
const adminSecretArn = env.requiredString('ADMIN_SECRET_ARN', "the master secret's ARN");
const toolSecretArn = env.requiredString('TOOL_SECRET_ARN', "the tool secret's ARN");
env.done();

const secrets = new SecretsManagerClient({});

async function credentials(secretId: string): Promise<Credentials> {
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
  const value = JSON.parse(out.SecretString ?? '{}') as Partial<Credentials>;
  if (!(value.username && value.password)) throw new Error(`secret ${secretId} has no username and password`);
  return { username: value.username, password: value.password };
}

export const handler = createHandler({
  adminCredentials: () => credentials(adminSecretArn),
  toolCredentials: () => credentials(toolSecretArn),
  connect: async (admin) => {
    const client = new pg.Client({
      host,
      port,
      database: maintenanceDatabase,
      user: admin.username,
      password: admin.password,
      // The instance forces TLS (rds.force_ssl); its certificate is checked against the CAs Node.js
      // trusts plus the runtime's Amazon bundle with the RDS CAs (NODE_EXTRA_CA_CERTS, set by the construct).
      ssl: { rejectUnauthorized: true },
      connectionTimeoutMillis: 10_000,
      statement_timeout: 30_000,
    });
    await client.connect();
    return client;
  },
  log: stdoutLogger,
});
