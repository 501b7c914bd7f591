/**
 * Structured logging: one JSON object per line on stdout.
 *
 * `process.stdout.write` rather than `console.log`: with Lambda's default text log format,
 * `console.log` prefixes each line with a timestamp, request id and level, which makes the line
 * no longer pure JSON. CloudWatch Logs Insights and the Embedded Metric Format (EMF) both need the
 * event to be exactly one JSON object. (With the JSON log format the runtime keeps a raw JSON line
 * as is, so this works under either setting.)
 */
export type LogFields = Record<string, unknown>;
export type Logger = (fields: LogFields) => void;

export const stdoutLogger: Logger = (fields) => {
  process.stdout.write(`${JSON.stringify(fields)}\n`);
};

/** A logger that keeps lines in memory, for tests. */
export function memoryLogger(): Logger & { lines: LogFields[] } {
  const lines: LogFields[] = [];
  const log = ((fields: LogFields) => {
    // Round-trip through JSON so tests see exactly what would be written.
    lines.push(JSON.parse(JSON.stringify(fields)) as LogFields);
  }) as Logger & { lines: LogFields[] };
  log.lines = lines;
  return log;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error)
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}
