/*
 * The schema of `slipway.config.ts`: the only source of its types (see `../types.ts`).
 *
 * Keys that have no default here are derived per environment from its `protected` flag by
 * `../resolve.ts` (the defaults table `DEFAULTS`), so "safe for prod, cheap for dev" is data,
 * not `if (env === 'prod')` branches. Cross-field rules (CIDR overlap, Fargate sizes, ranges
 * that depend on each other) live in `../validate/`, which reports every error at once.
 */

import { z } from 'zod';
import { auditSchema, githubSchema, previewsSchema, registrySchema } from './account.ts';
import { appSchema } from './app.ts';
import { environmentName } from './common.ts';
import { domainSchema } from './domain.ts';
import { servicesSchema } from './services.ts';

export { FARGATE_CPU_UNITS } from '../fargate.ts';
export { auditSchema, githubSchema, previewsSchema, registrySchema } from './account.ts';
export { type AcknowledgeKey, acknowledgeSchema } from './acknowledge.ts';
export { alarmsSchema } from './alarms.ts';
export { appSchema, imageSchema } from './app.ts';
export { accountId, appName, cidr, environmentName, region, secretRef } from './common.ts';
export { deploySchema, deployStrategy } from './deploy.ts';
export { domainSchema, environmentDomainSchema } from './domain.ts';
export { capacitySchema, environmentSchema, natMode } from './environment.ts';
export { officeHoursSchema, WEEKDAYS } from './office-hours.ts';
export {
  backendServiceSchema,
  jobServiceSchema,
  serviceImageSchema,
  serviceName,
  serviceOverrideSchema,
  serviceSchema,
  servicesSchema,
  webServiceSchema,
  workerServiceSchema,
} from './services.ts';

export const configSchema = z.strictObject({
  /**
   * The app, and its one web service unless `services` is given. With `services`, `app` holds only
   * `name` and `database`; every other key moves to `services.<name>`.
   */
  app: appSchema,
  /**
   * The app's services by name (`web`, `backend`, `worker`, `job`), e.g.
   * `{ web: { type: 'web', image: { build: {} } }, mailer: { type: 'worker', image: { from: 'web' }, command: ['node', 'dist/mailer.js'] } }`.
   * @default - one web service named `web`, made of the keys of `app`
   */
  services: servicesSchema.optional(),
  /** Deployment targets by name; the order is the promotion order. */
  environments: z.record(environmentName, z.unknown()),
  registry: registrySchema.prefault({}),
  github: githubSchema.optional(),
  audit: auditSchema.prefault({}),
  /** Pull-request previews (the `preview` workflow). @default - no previews; `pr-<number>` names are refused */
  previews: previewsSchema.optional(),
  /**
   * The app's domain, e.g. `{ name: 'app.example.com', zone: 'Z0123456789ABC' }`: each environment serves `<env>.<name>`, a protected one `name` itself, a preview `pr-<number>.<base name>`, with a DNS-validated us-east-1 certificate and alias records Slipway creates in the zone.
   * @default - each environment serves HTTPS on its CloudFront name only
   */
  domain: domainSchema.optional(),
});
