import type { z } from 'zod';
import type {
  appSchema,
  configSchema,
  environmentSchema,
  serviceOverrideSchema,
  serviceSchema,
  servicesSchema,
} from './schema/index.ts';

// Every config type is derived from the schema, so the two cannot drift apart.

/** What a user writes in `slipway.config.ts` (defaults optional). */
export type SlipwayConfigInput = Omit<z.input<typeof configSchema>, 'environments'> & {
  environments: Record<string, EnvironmentInput>;
};
export type EnvironmentInput = z.input<typeof environmentSchema>;

/** The validated config with schema defaults applied. */
export type SlipwayConfig = Omit<z.output<typeof configSchema>, 'environments'> & {
  environments: Record<string, EnvironmentConfig>;
};
export type AppConfig = z.output<typeof appSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type ServicesConfig = z.output<typeof servicesSchema>;
export type ServiceConfig = z.output<typeof serviceSchema>;
export type ServiceInput = z.input<typeof serviceSchema>;
export type ServiceOverride = z.output<typeof serviceOverrideSchema>;
export type ServiceType = ServiceConfig['type'];
