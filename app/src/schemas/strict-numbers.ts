import type { ErrorObject } from 'ajv';
import type { Validate } from './compilers.ts';

/**
 * Query strings and path parameters are strings on the wire, and ajv coerces them to the schema's
 * numeric types with JavaScript's `+value`. That accepts far more than a decimal number: `0x10`,
 * `0b1`, `' 5'`, `'.5e1'`, and the non-finite `Infinity`, `-Infinity` and overflowing literals such
 * as `1e400`. With ajv's `strict` mode (which enables strictNumbers) a coerced non-finite value passes
 * `type: integer`, `minimum` and `maximum` alike and reached PostgreSQL, which rejected it: a 500 for
 * a client's mistake. So every numeric property of a querystring or params schema must be written as
 * plain decimal digits before ajv sees it; anything else is a validation error naming the field.
 */

/** Up to 15 digits: every such integer is exactly representable, so no value is silently rounded. */
const DECIMAL_INTEGER = /^-?[0-9]{1,15}$/;
const DECIMAL_NUMBER = /^-?[0-9]{1,15}(?:\.[0-9]{1,15})?$/;

/** An error in ajv's shape, so the error handler names it like any other (`querystring.limit`). */
interface NumberSyntaxError extends ErrorObject {
  instancePath: string;
  schemaPath: string;
  keyword: 'type';
  params: { type: string };
  message: string;
}

/** A numeric property of a querystring or params schema, and how its raw string must look. */
interface NumericProperty {
  /** The property's name, as sent in the query string or path. */
  readonly name: string;
  /** What the raw string must match before ajv coerces it. */
  readonly pattern: RegExp;
  /** The rule, in words, for `error.fields[].message`. */
  readonly message: string;
}

function typesOf(schema: unknown): string[] {
  const type = (schema as { type?: unknown } | undefined)?.type;
  return Array.isArray(type) ? type.map(String) : typeof type === 'string' ? [type] : [];
}

/** The top-level properties of an object schema typed integer or number (querystring and params are flat). */
export function numericProperties(schema: object): NumericProperty[] {
  const properties = (schema as { properties?: Record<string, unknown> }).properties ?? {};
  return Object.entries(properties).flatMap(([name, property]) => {
    const types = typesOf(property);
    if (types.includes('integer')) {
      return [{ name, pattern: DECIMAL_INTEGER, message: 'must be a decimal integer like 20 (digits only)' }];
    }
    if (types.includes('number')) {
      return [{ name, pattern: DECIMAL_NUMBER, message: 'must be a decimal number like 2.5 (digits only)' }];
    }
    return [];
  });
}

/**
 * Wraps a compiled querystring/params validator: numeric properties given as strings (or repeated,
 * as arrays of strings) must be plain decimal; otherwise the request fails validation before ajv
 * coerces anything.
 */
export function strictNumericStrings(schema: object, validate: Validate): Validate {
  const numeric = numericProperties(schema);
  if (numeric.length === 0) return validate;
  const wrapped: Validate = (data) => {
    const errors: NumberSyntaxError[] = [];
    const record = (data ?? {}) as Record<string, unknown>;
    for (const { name, pattern, message } of numeric) {
      if (!Object.hasOwn(record, name)) continue;
      const value = record[name];
      const values = Array.isArray(value) ? value : [value];
      if (values.some((v) => typeof v === 'string' && !pattern.test(v))) {
        errors.push({
          instancePath: `/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`,
          schemaPath: `#/properties/${name}/type`,
          keyword: 'type',
          params: { type: 'decimal' },
          message,
        });
      }
    }
    if (errors.length > 0) {
      wrapped.errors = errors;
      return false;
    }
    const valid = validate(data);
    wrapped.errors = validate.errors;
    return valid;
  };
  return wrapped;
}
