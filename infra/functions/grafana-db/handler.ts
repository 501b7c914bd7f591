import { errorMessage, type Logger } from '../shared/log.ts';
import { ensureToolDatabase, type SqlClient } from './sql.ts';

/** What CDK's custom-resource provider passes to its `onEvent` handler (the fields used here). */
export interface ToolDatabaseEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { readonly Role?: string; readonly Database?: string };
}

export interface ToolDatabaseResult {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly Database: string; readonly Role: string };
}

/** A username/password pair as RDS and generated Secrets Manager secrets store it (JSON). */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export interface ToolDatabaseDeps {
  /** The administrator's credentials (the instance's master secret). */
  readonly adminCredentials: () => Promise<Credentials>;
  /** The tool's credentials (its own generated secret); its username is the role. */
  readonly toolCredentials: () => Promise<Credentials>;
  /** Opens a TLS connection to the instance's maintenance database as `admin`. */
  readonly connect: (admin: Credentials) => Promise<SqlClient & { end(): Promise<void> }>;
  readonly log: Logger;
}

/**
 * The custom resource's `onEvent`. Create and Update make the role and database exist and set the
 * role's password from the tool's secret (so running it again after the secret changed updates the
 * password). Delete keeps both: the database holds the tool's state (users, dashboards, alert
 * history), the instance's final snapshot would keep it anyway, and dropping it while a tool task
 * still runs would break that task; removing it is a deliberate `DROP DATABASE` by an operator.
 */
export function createHandler(deps: ToolDatabaseDeps) {
  return async (event: ToolDatabaseEvent): Promise<ToolDatabaseResult> => {
    const database = event.ResourceProperties.Database;
    if (!database) throw new Error('Database is missing from the resource properties');
    if (event.RequestType === 'Delete') {
      deps.log({ event: 'tool-database.kept', database });
      return { PhysicalResourceId: event.PhysicalResourceId ?? database };
    }
    const tool = await deps.toolCredentials();
    const role = event.ResourceProperties.Role ?? tool.username;
    if (role !== tool.username)
      throw new Error(`the secret's username "${tool.username}" is not the role "${role}"`);
    const client = await deps.connect(await deps.adminCredentials());
    try {
      const { databaseCreated } = await ensureToolDatabase(client, {
        role,
        password: tool.password,
        database,
      });
      deps.log({ event: 'tool-database.ensured', database, role, databaseCreated });
      return { PhysicalResourceId: database, Data: { Database: database, Role: role } };
    } catch (error) {
      deps.log({ event: 'tool-database.failed', database, role, error: errorMessage(error) });
      throw error;
    } finally {
      await client.end();
    }
  };
}
