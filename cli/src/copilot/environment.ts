import type { Printable } from './print.ts';
import type { Manifest } from './read.ts';
import type { Recorder } from './report.ts';
import { isMap, reportUnknown, unresolved } from './values.ts';

/*
 * An Environment manifest (site/content/docs/manifest/environment.en.md; `EnvironmentConfig` in
 * internal/pkg/manifest/env.go) as a Slipway environment (config/src/schema/environment.ts).
 * Copilot keeps an environment's account and region in its SSM state (`copilot env init`), not in
 * the manifest: they become placeholders the user must replace.
 */

/** Copilot's VPC CIDR when the manifest sets none (DefaultVPCCIDR in internal/pkg/deploy/cloudformation/stack/env.go). */
export const COPILOT_DEFAULT_CIDR = '10.0.0.0/16';
export const PLACEHOLDER_REGION = 'us-east-1';

/** Names that mean production: they become protected environments. */
export const isProductionName = (name: string) => /^(prod|production|prd|live)(-|$)/.test(name);

/** A distinct 12-digit placeholder per environment, so the validator's per-account rules do not mistake them for one account. */
export const placeholderAccount = (index: number) => String((index % 9) + 1).repeat(12);

export interface EnvironmentInput {
  readonly name: string;
  readonly index: number;
  readonly manifest: Manifest | undefined;
  /** The first `http.alias` the default web service has here, and its hosted zone. */
  readonly alias?: { readonly name: string; readonly zone?: string };
}

const NOT_MAPPED: Record<string, string> = {
  'network.vpc.id':
    'Slipway creates its own VPC per environment; an imported VPC and its subnets are not used',
  'network.vpc.security_group': 'Slipway manages the security groups',
  'http.private': 'Slipway has no internal load balancer; backends answer through Cloud Map',
  'http.public.ssl_policy': "CloudFront terminates TLS with Slipway's TLS 1.2+ policy",
  'http.public.ingress.source_ips': 'restrict clients with AWS WAF rules in front of CloudFront',
  'cdn.static_assets':
    'Slipway does not serve an S3 bucket through the distribution; serve static files from the service',
  'cdn.certificate': 'Slipway creates or takes the CloudFront certificate through domain.certificateArn',
  'observability.container_insights': 'Slipway turns Container Insights on for every cluster',
};

function network(m: Manifest, index: number, env: Record<string, Printable>, rec: Recorder): void {
  const vpc = isMap(m.network) && isMap(m.network.vpc) ? m.network.vpc : {};
  const subnets = isMap(vpc.subnets) ? vpc.subnets : {};
  const publics = Array.isArray(subnets.public) ? subnets.public.length : 0;
  const net: Record<string, Printable> = {};
  if (typeof vpc.cidr === 'string') {
    net.cidr = vpc.cidr;
    rec.mapped('network.vpc.cidr', 'the VPC CIDR', 'network.cidr');
  } else {
    net.cidr = `10.${index}.0.0/16`;
    rec.approximated(
      'network.vpc.cidr',
      `not set: Copilot used ${COPILOT_DEFAULT_CIDR} in every environment; ${net.cidr} keeps environments that share an account from overlapping`,
      'network.cidr',
    );
  }
  if (publics >= 2) {
    net.azCount = Math.min(6, publics);
    rec.approximated(
      'network.vpc.subnets',
      `${publics} public subnets became azCount ${net.azCount}; Slipway carves the subnets' CIDRs and zones itself`,
      'network.azCount',
    );
  }
  if (isMap(vpc.flow_logs) && typeof vpc.flow_logs.retention === 'number') {
    net.flowLogRetentionDays = vpc.flow_logs.retention;
    rec.mapped(
      'network.vpc.flow_logs.retention',
      'days to keep VPC flow logs',
      'network.flowLogRetentionDays',
    );
  } else if (vpc.flow_logs === true)
    rec.mapped('network.vpc.flow_logs', 'Slipway always writes VPC flow logs');
  env.network = net;
}

function http(
  name: string,
  m: Manifest,
  alias: EnvironmentInput['alias'],
  env: Record<string, Printable>,
  rec: Recorder,
): void {
  const pub = isMap(m.http) && isMap(m.http.public) ? m.http.public : {};
  const certs = Array.isArray(pub.certificates)
    ? pub.certificates.filter((c): c is string => typeof c === 'string')
    : [];
  const cert = certs[0];
  const domain: Record<string, Printable> = {};
  if (alias) {
    domain.name = alias.name;
    // Copilot's aliases live under the application's domain (`copilot app init --domain`), whose zone it delegated.
    const labels = alias.name.split('.');
    domain.zone = alias.zone ?? (labels.length > 2 ? labels.slice(1).join('.') : alias.name);
    rec.approximated(
      'http.alias (of the default web service)',
      `${alias.name} is this environment's name, in the hosted zone ${domain.zone}${alias.zone ? '' : " (taken as the application's domain: check it)"}`,
      'domain.name, domain.zone',
    );
  }
  if (cert && !unresolved(cert) && alias) {
    domain.certificateArn = cert;
    rec.approximated(
      'http.public.certificates',
      `the first certificate; CloudFront reads certificates from us-east-1 only: import or request it there if ${name}'s region is another`,
      'domain.certificateArn',
    );
  } else if (cert)
    rec.notMapped(
      'http.public.certificates',
      unresolved(cert)
        ? `"${cert}" uses variables Copilot filled in; write the ARN (in us-east-1) under domain.certificateArn`
        : 'no web service alias names this environment, so there is no domain to put the certificate on; set domain.name and domain.certificateArn',
    );
  if (certs.length > 1)
    rec.notMapped(
      'http.public.certificates[1..]',
      'Slipway takes one certificate per environment; request one that covers every name',
    );
  if (Object.keys(domain).length > 0) env.domain = domain;
  if ('access_logs' in pub && pub.access_logs !== false) {
    env.accessLogs = true;
    rec.approximated(
      'http.public.access_logs',
      "on, in Slipway's own encrypted bucket (a bucket name or prefix is not used)",
      'accessLogs',
    );
  }
  if (isMap(pub.ingress) && pub.ingress.cdn === true)
    rec.mapped('http.public.ingress.cdn', 'Slipway always serves through CloudFront');
}

function reportRest(m: Manifest, rec: Recorder): void {
  const has = (path: string) => {
    let at: unknown = m;
    for (const part of path.split('.')) at = isMap(at) ? at[part] : undefined;
    return at !== undefined;
  };
  for (const [path, why] of Object.entries(NOT_MAPPED))
    if (has(path)) (path.startsWith('observability') ? rec.mapped : rec.notMapped)(path, why);
  if (m.cdn === true || isMap(m.cdn))
    rec.mapped('cdn', 'Slipway always puts CloudFront in front of the load balancer');
  if (isMap(m.cdn) && 'tls_termination' in m.cdn)
    rec.notMapped('cdn.tls_termination', 'CloudFront to the load balancer is always HTTPS in Slipway');
  const net = isMap(m.network) ? m.network : {};
  reportUnknown(net, ['vpc'], 'network', rec.notMapped);
  reportUnknown(
    net.vpc,
    ['id', 'cidr', 'subnets', 'security_group', 'flow_logs'],
    'network.vpc',
    rec.notMapped,
  );
  const http = isMap(m.http) ? m.http : {};
  reportUnknown(http, ['public', 'private'], 'http', rec.notMapped);
  reportUnknown(
    http.public,
    ['certificates', 'access_logs', 'ssl_policy', 'ingress'],
    'http.public',
    rec.notMapped,
  );
  if (isMap(http.public))
    reportUnknown(http.public.ingress, ['cdn', 'source_ips'], 'http.public.ingress', rec.notMapped);
  reportUnknown(m.observability, ['container_insights'], 'observability', rec.notMapped);
  const known = ['name', 'type', 'network', 'http', 'cdn', 'observability'];
  for (const key of Object.keys(m).filter((k) => !known.includes(k)))
    rec.notMapped(key, 'not a field Slipway has an equivalent for');
}

/** The Slipway environment of one Copilot environment (account and region are placeholders). */
export function mapEnvironment(input: EnvironmentInput, rec: Recorder): Record<string, Printable> {
  const m = input.manifest ?? {};
  const env: Record<string, Printable> = {
    account: placeholderAccount(input.index),
    region: PLACEHOLDER_REGION,
  };
  rec.approximated(
    '(account, region)',
    'Copilot keeps them in its SSM state, not in the manifest: placeholders written, replace them (`copilot env show -n ' +
      input.name +
      '` shows them)',
    'account, region',
  );
  if (isProductionName(input.name)) {
    Object.assign(env, { protected: true, approval: true, alarms: { email: ['oncall@example.com'] } });
    rec.approximated(
      'name',
      `"${input.name}" names production: protected (Multi-AZ, deletion protection, WAF, canary deploys, approval, readiness rules); alarms.email is a placeholder`,
      'protected',
    );
  }
  network(m, input.index, env, rec);
  http(input.name, m, input.alias, env, rec);
  if (input.manifest) reportRest(m, rec);
  return env;
}
