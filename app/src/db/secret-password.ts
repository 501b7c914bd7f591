/**
 * The database password of a server whose credentials rotate (RDS with Secrets Manager rotation).
 *
 * ECS injects DB_PASSWORD from the secret once, when the task starts. After a single-user rotation
 * that value no longer works, so a long-running task could not open a new connection until it was
 * replaced. With DB_SECRET_ARN set, the pool asks this source for the password each time it opens
 * a connection; the source re-reads the secret when its copy is older than `refreshAfterMs`, so a
 * rotation costs at most that long of refused new connections (open ones are not affected:
 * PostgreSQL checks passwords only at login).
 *
 * A failed read keeps the last known password (the secret may be briefly unreachable; the old
 * password is still the best guess) and is reported through `onError`, never thrown at the pool.
 */
export interface SecretPasswordOptions {
  /** ARN of the Secrets Manager secret whose JSON has a `password` field (the RDS secret shape). */
  readonly secretArn: string;
  /** The password the task started with (DB_PASSWORD), used until the first read. */
  readonly initial?: string;
  /** Age after which the next connection re-reads the secret. @default 60_000 */
  readonly refreshAfterMs?: number;
  /** Reads the secret's current password. @default GetSecretValue through the AWS SDK */
  readonly read?: (secretArn: string) => Promise<string>;
  /** Clock in ms. @default Date.now */
  readonly now?: () => number;
  /** Told about a failed read (the message never contains the secret). */
  readonly onError?: (error: Error) => void;
}

export interface SecretPassword {
  /** The password to log in with now; re-reads the secret when the copy is stale. */
  (): Promise<string>;
  /** Makes the next call re-read the secret (e.g. after a login failure). */
  invalidate(): void;
}

export function secretPassword(options: SecretPasswordOptions): SecretPassword {
  const refreshAfterMs = options.refreshAfterMs ?? 60_000;
  const now = options.now ?? Date.now;
  const read = options.read ?? readFromSecretsManager;
  let current = options.initial;
  let readAt = options.initial === undefined ? Number.NEGATIVE_INFINITY : now();
  let inFlight: Promise<string> | undefined;

  const refresh = (): Promise<string> => {
    // Concurrent connection attempts share one read.
    inFlight ??= read(options.secretArn)
      .then((password) => {
        current = password;
        readAt = now();
        return password;
      })
      .catch((error: unknown) => {
        options.onError?.(error instanceof Error ? error : new Error(String(error)));
        if (current === undefined) throw error;
        // Retry on the next connection after a short pause rather than on every one.
        readAt = now() - refreshAfterMs + Math.min(refreshAfterMs, 5_000);
        return current;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  const password = (async () => {
    if (current !== undefined && now() - readAt < refreshAfterMs) return current;
    return refresh();
  }) as SecretPassword;
  password.invalidate = () => {
    readAt = Number.NEGATIVE_INFINITY;
  };
  return password;
}

/** GetSecretValue; the SDK is loaded on first use only (it is not needed to start the service). */
async function readFromSecretsManager(secretArn: string): Promise<string> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  client ??= new SecretsManagerClient({});
  const result = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  return passwordOf(result.SecretString, secretArn);
}

let client: import('@aws-sdk/client-secrets-manager').SecretsManagerClient | undefined;

/** The `password` field of an RDS-style secret; errors name the secret, never its content. */
export function passwordOf(secretString: string | undefined, secretArn: string): string {
  if (secretString === undefined) throw new Error(`secret ${secretArn} has no SecretString`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new Error(`secret ${secretArn} is not JSON; expected {"password": "...", ...}`);
  }
  const value = (parsed as { password?: unknown } | null)?.password;
  if (typeof value !== 'string' || value === '') {
    throw new Error(`secret ${secretArn} has no "password" string field`);
  }
  return value;
}
