import { z } from 'zod';
import { REGION_NAMES } from '../regions.ts';

/* Value types shared by the sections of the config schema. */

const NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;

export const appName = z
  .string()
  .regex(NAME, 'lowercase letters, digits and hyphens, starting with a letter')
  .min(2)
  .max(20);

/** An environment name becomes part of stack and resource names: short, lowercase. */
export const environmentName = z
  .string()
  .regex(NAME, 'lowercase letters, digits and hyphens, starting with a letter')
  .min(2)
  .max(12);

export const accountId = z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id');

export const region = z.enum(REGION_NAMES as [string, ...string[]], {
  error: (issue) => `unknown region ${JSON.stringify(issue.input)}`,
});

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export const cidr = z.string().refine(
  (value) => {
    const m = IPV4_CIDR.exec(value);
    if (!m) return false;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    return octets.every((o) => o >= 0 && o <= 255) && prefix >= 0 && prefix <= 32;
  },
  { message: 'an IPv4 CIDR block such as 10.0.0.0/16' },
);

export const envVarName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'UPPER_SNAKE_CASE');

export const minutes = (max: number) => z.number().int().min(0).max(max);
export const percent = z.number().min(0).max(100);

/** Where a secret comes from: a Secrets Manager secret (optionally one JSON field) or an SSM parameter. */
export const secretRef = z.union([
  z.strictObject({
    /** ARN or name of a Secrets Manager secret. */
    secretsManager: z.string().min(1),
    /** JSON key inside the secret; the whole secret string when omitted. */
    field: z.string().min(1).optional(),
  }),
  z.strictObject({
    /** Name of an SSM SecureString/String parameter, starting with `/`. */
    ssmParameter: z.string().regex(/^\//, 'a parameter name starting with /'),
  }),
]);
