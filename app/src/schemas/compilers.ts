import { Ajv, type ErrorObject, type Options } from 'ajv';
import fastJson from 'fast-json-stringify';

/**
 * How route schemas become code: Ajv for what a request brings, fast-json-stringify for what a
 * response sends. The build (scripts/precompile-schemas.ts) compiles every route's schemas with these
 * same options into standalone code and puts it in place of this module, so the production bundle
 * neither loads Ajv and fast-json-stringify nor compiles a schema at start or on a first request.
 * Tests and `npm run dev` compile here, at run time.
 */

/** Which validator a part of the request gets (app.ts): bodies strictly, strings from the URL coerced. */
export type InputKind = 'body' | 'url';

/**
 * Both validators report every error (allErrors), never drop unknown properties silently
 * (removeAdditional: false: they are rejected by `additionalProperties: false`), and fill defaults.
 * Bodies are validated strictly (a number is not a string), while querystring and params, which are
 * always strings on the wire, are coerced to the schema's types.
 *
 * allErrors is safe here because every string and array in an input schema has a maximum length and
 * the body is capped at BODY_LIMIT_BYTES (ajv's warning is about unbounded input).
 */
export const INPUT_AJV_OPTIONS: Readonly<Record<InputKind, Options>> = (() => {
  const common = {
    allErrors: true,
    removeAdditional: false,
    useDefaults: true,
    strict: true,
    // The schemas are static and exercised by the tests; checking them against the JSON Schema
    // meta-schema at every start costs more than compiling them.
    validateSchema: false,
  } as const;
  return { body: { ...common, coerceTypes: false }, url: { ...common, coerceTypes: 'array' } };
})();

/** A compiled validator as Fastify expects it: false with `errors` set when the data is invalid. */
export type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null | undefined };
/** A compiled response serializer: the JSON text of `data`. */
export type Serialize = (data: unknown) => string;

export interface SchemaCompilers {
  /** The validator of `schema` for a body or for strings from the URL. */
  validator(schema: object, kind: InputKind): Validate;
  /** The serializer of a response with this `schema`. */
  serializer(schema: object): Serialize;
}

const ajv: Partial<Record<InputKind, Ajv>> = {};

/**
 * Compiles at run time, each schema on the first call of its function: compiling every route's
 * schemas at start took most of the time between building the app and the first `/ready` answer,
 * while a load balancer's first requests (`/health`, `/ready`) need their own schemas only. Each Ajv
 * is created with the first schema of its kind. The schemas are static and the tests exercise every
 * route's, so a schema error still shows before a release.
 */
export const schemaCompilers: SchemaCompilers = {
  validator: (schema, kind) =>
    onFirstCall(() => {
      ajv[kind] ??= new Ajv(INPUT_AJV_OPTIONS[kind]);
      return ajv[kind].compile(schema);
    }),
  serializer: (schema) => onFirstCall(() => fastJson(schema)),
};

/**
 * A function that runs `compile()` on its first call and forwards every call to the result. Ajv
 * reports a failed validation in the function's `errors` property, which Fastify reads from the
 * function it was given when the call returns false: it is copied over then (only then, so a
 * passing validation or a serialization costs one call more and nothing else).
 */
function onFirstCall<T extends (data: unknown) => unknown>(compile: () => T): T & { errors?: unknown } {
  let fn: T | undefined;
  const forward = ((data: unknown) => {
    fn ??= compile();
    const result = fn(data);
    if (result === false) forward.errors = (fn as { errors?: unknown }).errors;
    return result;
  }) as T & { errors?: unknown };
  forward.errors = null;
  return forward;
}
