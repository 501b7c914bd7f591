/**
 * Parsing a queue message, apart from its shape (message.ts): the service's queue plugin imports
 * the shape, and the service itself loads no Ajv (its schemas are compiled at build time).
 */
import { Ajv } from 'ajv';
import { WorkMessage } from './message.ts';

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
