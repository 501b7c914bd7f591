import { type Static, Type } from 'typebox';

/**
 * `schema` or null, as a type list (`type: ['string', 'null']`) rather than `anyOf`: the response
 * serializer writes either without trying each branch, and needs no validator at run time to choose
 * one (fast-json-stringify validates `anyOf` branches with Ajv).
 */
export function nullable<T extends { type: string }>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
}
