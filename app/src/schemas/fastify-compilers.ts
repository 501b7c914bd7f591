import type { SchemaCompilers } from './compilers.ts';
import { strictNumericStrings } from './strict-numbers.ts';

// biome-ignore lint/suspicious/noExplicitAny: a compiled validator or serializer, whatever it takes
type Compiled = (...args: any[]) => unknown;

/**
 * Fastify's validator compiler: bodies get the strict validator, querystring, params and headers
 * the coercing one (compilers.ts), with numbers in them required to be plain decimal
 * (strict-numbers.ts says why).
 */
export function validatorCompiler(compilers: SchemaCompilers) {
  const body = memoize((schema) => compilers.validator(schema, 'body'));
  const url = memoize((schema) => strictNumericStrings(schema, compilers.validator(schema, 'url')));
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    httpPart === 'body' ? body(schema) : url(schema);
}

/** Fastify's serializer compiler: one serializer per distinct response schema. */
export function serializerCompiler(compilers: SchemaCompilers) {
  const serializer = memoize((schema) => compilers.serializer(schema));
  return ({ schema }: { schema: object }) => serializer(schema);
}

/** Each distinct schema compiled once: most repeat (the error response on every route, the id parameter on three). */
function memoize(compile: (schema: object) => Compiled): (schema: object) => Compiled {
  const compiled = new Map<string, Compiled>();
  return (schema) => {
    const key = JSON.stringify(schema);
    let fn = compiled.get(key);
    if (fn === undefined) {
      fn = compile(schema);
      compiled.set(key, fn);
    }
    return fn;
  };
}
