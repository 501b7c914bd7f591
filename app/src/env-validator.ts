import { Ajv, type ValidateFunction } from 'ajv';

/**
 * How the environment schema is validated: strings coerced to the schema's types, defaults filled,
 * every error reported. The build (scripts/build.ts) compiles the same schema with the same options
 * into standalone code and puts it in place of this module, so the production bundle starts without
 * compiling a schema (it was the largest single item before the first log line: ~28 ms of a
 * ~190 ms start-up, measured with Node 24 on two cores, 2026-12). Tests and `npm run dev`
 * compile at run time.
 */
export const ENV_AJV_OPTIONS = {
  coerceTypes: true,
  useDefaults: true,
  allErrors: true,
  validateSchema: false,
} as const;

/**
 * The validator of `schema` (src/config.ts `envSchema`, the only caller). The bundle's replacement
 * returns the validator compiled at build time from that same schema.
 */
export function compileEnvValidator(schema: object): ValidateFunction {
  return new Ajv(ENV_AJV_OPTIONS).compile(schema);
}
