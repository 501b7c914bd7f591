/**
 * The service's error-code catalog: every error response carries one of these codes, and
 * `docs/service.md` lists the same codes with the same status and "how to solve" text (a test keeps
 * the two in sync, as fastify does for `lib/errors.js` and `docs/Reference/Errors.md`).
 *
 * Codes are a contract with clients: never rename one; add a new code instead.
 */
export interface ErrorSpec {
  /** HTTP status sent with this code. */
  readonly status: number;
  /** Default message; a more specific one may be sent in its place. */
  readonly message: string;
  /** What the caller (or operator) does about it; rendered in docs/service.md. */
  readonly howToSolve: string;
}

export const errorCatalog = {
  INVALID_JSON: {
    status: 400,
    message: 'The request body is not valid JSON.',
    howToSolve: 'Send a well-formed, non-empty JSON document with `content-type: application/json`.',
  },
  VALIDATION_FAILED: {
    status: 400,
    message: 'The request does not match the schema.',
    howToSolve:
      'Fix every entry of `error.fields` (each names the offending field, e.g. `body.name` or `params.id`, and the rule it broke) and send the request again.',
  },
  INVALID_CURSOR: {
    status: 400,
    message: 'The cursor is not one this service issued.',
    howToSolve:
      'Pass back the `nextCursor` value of a previous list response unchanged, or omit `cursor` to start from the first page.',
  },
  BAD_REQUEST: {
    status: 400,
    message: 'The request is malformed.',
    howToSolve:
      'Check the request line, the headers, the URL encoding and the `content-length` header; the message says what was wrong.',
  },
  ITEM_NOT_FOUND: {
    status: 404,
    message: 'No item has this id.',
    howToSolve:
      'Check the id; list items with `GET /api/items` to find existing ones. Deleted items are gone.',
  },
  ROUTE_NOT_FOUND: {
    status: 404,
    message: 'No route matches this method and path.',
    howToSolve: 'Check the method and path against the endpoint table in docs/service.md.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: 'The request body is larger than the limit.',
    howToSolve: 'Send a smaller body; the limit is `BODY_LIMIT_BYTES` (64 KiB by default).',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'The content type is not supported.',
    howToSolve:
      'Send the body as UTF-8 JSON with `content-type: application/json` (a `charset` parameter, if any, must be `utf-8`).',
  },
  UNSUPPORTED_CONTENT_ENCODING: {
    status: 415,
    message: 'The content encoding is not supported.',
    howToSolve:
      'Send the body uncompressed, without `content-encoding` (or with `identity`); the `accept-encoding` response header lists what is accepted.',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    message: 'The request was not received in time.',
    howToSolve: 'Send the whole request (headers and body) promptly on one connection, then retry.',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    message: 'The request headers are too large.',
    howToSolve:
      'Send fewer or shorter headers (cookies are the usual cause); Node.js accepts 16 KiB of headers.',
  },
  SHUTTING_DOWN: {
    status: 503,
    message: 'The service is shutting down.',
    howToSolve:
      'Retry the request; the load balancer sends it to another task. Seen only while a task drains after SIGTERM.',
  },
  DATABASE_UNAVAILABLE: {
    status: 503,
    message: 'The database is unavailable.',
    howToSolve:
      'Retry after the `retry-after` delay. Operators: check that the database is up and reachable (`GET /ready` says why), and the `DB_*` settings.',
  },
  QUEUE_NOT_CONFIGURED: {
    status: 503,
    message: 'No worker queue is configured.',
    howToSolve:
      'Operators: give the service the worker queue URL in `WORKER_QUEUE_URL` (Slipway sets it for a service that sends to a worker named `worker`). Until then the service accepts no background work.',
  },
  QUEUE_UNAVAILABLE: {
    status: 503,
    message: 'The worker queue did not accept the message.',
    howToSolve:
      'Retry after the `retry-after` delay. Operators: the log line with the `x-request-id` says why (permissions, the queue URL, the network).',
  },
  INTERNAL_ERROR: {
    status: 500,
    message: 'Internal server error.',
    howToSolve: 'A bug: report it with the `x-request-id` response header, which finds the log line.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCatalog;

/**
 * Why `GET /ready` answers 503. Same contract as the error codes: stable, documented, tested.
 */
export const readinessCatalog = {
  DRAINING: {
    status: 503,
    message: 'The service received SIGTERM and is finishing in-flight requests.',
    howToSolve: 'Nothing: expected during a deploy or scale-in. The task exits within `SHUTDOWN_TIMEOUT_MS`.',
  },
  DATABASE_UNREACHABLE: {
    status: 503,
    message: 'The database did not answer.',
    howToSolve:
      'Check that the database is running and reachable from the task (security groups, `DB_HOST`, `DB_SSL`); the pool reconnects on its own.',
  },
  MIGRATIONS_PENDING: {
    status: 503,
    message: 'The database schema is behind this version of the service.',
    howToSolve:
      'Run the migrations: `node dist/main.js migrate` (the deploy hook does this), or start with `MIGRATE_ON_START=true`.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ReadinessReason = keyof typeof readinessCatalog;

/** One offending field of a request that failed validation. */
export interface FieldError {
  /** Where: `body.name`, `querystring.limit`, `params.id`; `body` for the whole body. */
  readonly field: string;
  /** The rule that was broken, in words. */
  readonly message: string;
}

/** An error meant for the client: its code decides the status and the shape of the response. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly fields: readonly FieldError[] | undefined;

  constructor(code: ErrorCode, message?: string, fields?: readonly FieldError[]) {
    super(message ?? errorCatalog[code].message);
    this.name = 'AppError';
    this.code = code;
    this.statusCode = errorCatalog[code].status;
    this.fields = fields;
  }
}
