/**
 * Pretty logs for a person at a terminal: pino-pretty, one line per entry, a request as
 * `[requestId] GET /api/items 200 3.1 ms`. Imported only when that format is chosen (logger.ts), so
 * JSON runs (every deployed task) never load it.
 *
 * The lines reaching pino-pretty are the JSON ones, after pino's redaction and `scrubSecrets`: the two
 * formats hide the same secrets. Headers are not shown at all (the JSON format keeps them).
 */
import type pino from 'pino';
import pretty from 'pino-pretty';

interface RequestLine {
  readonly requestId?: string;
  readonly req?: { readonly method?: string; readonly url?: string };
  readonly res?: { readonly statusCode?: number };
  readonly responseTime?: number;
}

/** Fields folded into the message (or only useful in the JSON lines). */
const SHOWN_IN_MESSAGE = ['service', 'version', 'env', 'requestId', 'req', 'res', 'responseTime'];

/** The message, prefixed by the request id when the line belongs to a request; a request's summary for `request completed`. */
export function formatMessage(log: Record<string, unknown>, messageKey: string): string {
  const line = log as RequestLine;
  const id = line.requestId === undefined ? '' : `[${line.requestId}] `;
  if (line.req && line.res) {
    const time = typeof line.responseTime === 'number' ? ` ${line.responseTime.toFixed(1)} ms` : '';
    return `${id}${line.req.method} ${line.req.url} ${line.res.statusCode}${time}`;
  }
  return `${id}${String(log[messageKey] ?? '')}`;
}

/**
 * Writes synchronously to stdout: a terminal reads a few lines a second, and nothing is lost when
 * the process exits straight after logging (a failed start).
 */
export function prettyStream(): pino.DestinationStream {
  return pretty({
    sync: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: SHOWN_IN_MESSAGE.join(','),
    messageFormat: (log, messageKey) => formatMessage(log, messageKey),
  });
}
