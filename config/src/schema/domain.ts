import { z } from 'zod';

const fqdn = z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'a fully qualified domain name');

/**
 * A public Route 53 hosted zone, by id (`Z0123456789ABC`) or by name (`example.com`). An id is
 * used as it is. A name is never looked up at synth (`plan` runs without credentials): the alias
 * records name the zone and CloudFormation finds it, and the certificate's validation (which
 * CloudFormation only takes by id) gets the id from a small deploy-time lookup that fails unless
 * exactly one public zone has that name.
 */
const zone = z
  .string()
  .regex(
    /^(Z[A-Z0-9]{1,32}|([a-z0-9-]+\.)+[a-z]{2,}\.?)$/,
    'a Route 53 hosted zone id like Z0123456789ABC or a zone name like example.com',
  );

const certificateArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, 'an ACM certificate ARN');

/**
 * The app's domain, shared by every environment, e.g.
 * `domain: { name: 'app.example.com', zone: 'example.com' }` (the zone by name or id).
 *
 * Each environment serves `<env>.<name>` (`dev.app.example.com`), a protected environment serves
 * `name` itself, and a pull-request preview serves `pr-<number>.<its base's name>`. Slipway creates
 * a DNS-validated ACM certificate in us-east-1 (where CloudFront reads certificates) and alias
 * A/AAAA records in the zone. The zone must be in the environment's account: for an account that
 * does not own the parent zone, delegate a subdomain to a zone there (docs/infrastructure.md,
 * "Domains").
 *
 * ### Cost
 * The certificate and alias queries are free; the hosted zone you already have costs $0.50 a month.
 * @default - no domain: each environment serves HTTPS on its CloudFront name (`d123.cloudfront.net`)
 */
export const domainSchema = z.strictObject({
  /** The name the app is known by, e.g. `app.example.com` (protected environments serve it). */
  name: fqdn,
  /** The public Route 53 hosted zone holding `name` (in the environments' account): its id or its name. */
  zone,
});

/**
 * This environment's name, or `false` to serve on the CloudFront name only.
 * @default `<env>.<domain.name>` (`domain.name` when protected) with the top-level `domain`; else no domain
 */
export const environmentDomainSchema = z.union([
  z.literal(false),
  z.strictObject({
    /** Fully qualified name, e.g. `staging.example.org`. @default `<env>.<domain.name>`, or `domain.name` when protected */
    name: fqdn.optional(),
    /** Route 53 hosted zone (id or name) for the certificate's validation and the alias records. @default the top-level `domain.zone` */
    zone: zone.optional(),
    /**
     * Bring your own ACM certificate instead of the one Slipway creates; it must be in us-east-1
     * (CloudFront's certificates live there) and cover `name`.
     * @default - a DNS-validated certificate created in `zone`
     */
    certificateArn: certificateArn.optional(),
  }),
]);
