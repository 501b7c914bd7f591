import { z } from 'zod';

export const capacitySchema = z.union([
  z.enum(['on-demand', 'spot']),
  z.strictObject({
    /** Run `base` tasks on on-demand Fargate, then split the rest `spotWeight` : 1 between Spot and on-demand. */
    mixed: z.strictObject({
      /** Tasks always on on-demand Fargate (the ones a Spot interruption cannot take away). */
      base: z.number().int().min(0).max(100),
      /** Spot tasks for every on-demand task above the base. */
      spotWeight: z.number().int().min(1).max(1000),
    }),
  }),
]);
