import { Ajv } from 'ajv';
import { type Static, Type } from 'typebox';
import { UUID_PATTERN } from '../schemas/item.ts';

/**
 * The body of a message on the worker's queue, sent by `POST /api/items/:id/process`:
 * `{ "itemId": "<uuid>", "action": "process" }`. `action` leaves room for more kinds of work; a
 * worker that does not know an action treats the message as malformed (see `parseWorkMessage`).
 */
export const WorkMessage = Type.Object(
  {
    itemId: Type.String({ pattern: UUID_PATTERN, maxLength: 36 }),
    action: Type.Literal('process'),
  },
  { additionalProperties: false },
);
export type WorkMessage = Static<typeof WorkMessage>;

/** The message attribute carrying the id of the HTTP request that queued the work, for log correlation. */
export const REQUEST_ID_ATTRIBUTE = 'requestId';

let validate: ReturnType<Ajv['compile']> | undefined;

export type ParsedMessage =
  | { readonly ok: true; readonly message: WorkMessage }
  | { readonly ok: false; readonly reason: string };

/**
 * Parses and validates a message body. The reason names what is wrong without quoting the body
 * (whatever a producer put there stays out of the logs).
 */
export function parseWorkMessage(body: string | undefined): ParsedMessage {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    return { ok: false, reason: `the body is not JSON (${body?.length ?? 0} characters)` };
  }
  validate ??= new Ajv({ allErrors: true, strict: true, validateSchema: false }).compile(WorkMessage);
  if (!validate(value)) {
    const problems = (validate.errors ?? []).map((error) => {
      const extra = error.params.additionalProperty;
      const detail = typeof extra === 'string' ? ` (${JSON.stringify(extra.slice(0, 50))})` : '';
      return `${error.instancePath.slice(1) || 'body'} ${error.message ?? 'is invalid'}${detail}`;
    });
    return {
      ok: false,
      reason: `the body does not match { itemId: uuid, action: "process" }: ${problems.join('; ')}`,
    };
  }
  return { ok: true, message: value as WorkMessage };
}
