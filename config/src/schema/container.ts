import { z } from 'zod';
import { MAX_SHUTDOWN_TIMEOUT_MS } from '../contract/service-container.ts';

/*
 * Value types of a container's settings, shared by `app` (one service) and `services.<name>`, so
 * both follow the same rules. The doc comments live on the keys that use them.
 */

export const containerPort = z.number().int().min(1).max(65535).default(3000);

export const containerUser = z
  .string()
  .regex(
    /^(?!root(:|$))(?!0+(:|$))[\w.-]+(:[\w.-]+)?$/,
    'a non-root user: uid:gid, uid or a name, not root or 0',
  )
  .default('1000:1000');

export const urlPath = z.string().regex(/^\//);

export const healthCheck = z.union([z.literal('node'), z.literal(false), z.array(z.string().min(1)).min(1)]);

export const command = z.array(z.string().min(1)).min(1);

export const shutdownSeconds = z
  .number()
  .int()
  .min(1)
  .max(MAX_SHUTDOWN_TIMEOUT_MS / 1000)
  .default(10);

export const hstsMaxAgeSeconds = z.number().int().min(0).max(63072000).default(31536000);
