import { spawnSync } from 'node:child_process';
import type { ResolvedEnvironment, SlipwayConfig } from '@slipway/config';
import { EDGE_REGION, edgeStackNeeded, resolveTarget } from '@slipway/config/contract';
import { type ApprovalSource, approvalSource } from '../approval/check.ts';
import { approvalDoctorCheck } from '../approval/doctor-check.ts';
import type { AwsApis, AwsFactory } from '../aws/api.ts';
import { sdkFactory } from '../aws/sdk.ts';
import { paths } from '../context.ts';
import { deployStacks } from '../deploy/deploy.ts';
import { resolveEnvironmentName } from '../environments.ts';
import { CliError, EXIT, type ExitCode } from '../errors.ts';
import type { Io } from '../io.ts';
import { awsError } from '../online.ts';
import { type StackInfo, type Synthesized, synthesize } from '../synth/synthesize.ts';
import { resourcesOf } from '../synth/template.ts';
import { type DevToolProbes, devToolChecks, realDevToolProbes } from './doctor-dev-tools.ts';

export interface Check {
  readonly name: string;
  /**
   * `ok`, `warn` (works, but read the fix), `fail` (blocks a deploy; for a `tests` check: missing),
   * `skip` (could not be checked).
   */
  readonly result: 'ok' | 'warn' | 'fail' | 'skip';
  readonly detail: string;
  readonly fix?: string;
  /**
   * What the check is for: a `fail` in `deploy` blocks a deploy and exits 1; `tests` are the tools
   * `npm test` and the benchmark need, whose `fail` (shown as `✗`) leaves the exit code at 0.
   * @default 'deploy'
   */
  readonly scope?: 'deploy' | 'tests';
}

export interface DoctorDeps {
  readonly factory: AwsFactory;
  readonly synth: (config: SlipwayConfig, env: string) => Synthesized;
  readonly nodeVersion: string;
  readonly sessionManagerPlugin: () => boolean;
  /** PostgreSQL, shellcheck, python3, cfn-lint and moto_server, as the tests and benchmark need them. */
  readonly devTools: DevToolProbes;
  /** Where the approval check reads GitHub from. @default the GitHub Actions variables of the process (`approvalSource()`) */
  readonly approval?: ApprovalSource;
}

export const realDoctorDeps: DoctorDeps = {
  factory: sdkFactory,
  synth: (config, env) => synthesize(config, { environments: [env], outdir: paths.assembly }),
  nodeVersion: process.versions.node,
  devTools: realDevToolProbes,
  sessionManagerPlugin: () =>
    spawnSync('session-manager-plugin', ['--version'], { stdio: 'ignore' }).status === 0,
};

/** The bootstrap version the synthesized templates require (their `BootstrapVersion` rule). */
const MIN_BOOTSTRAP_VERSION = 6;

/** Service-linked roles the stacks rely on; AWS creates most on first use, ECS's first use can race. */
const SERVICE_LINKED_ROLES: readonly [string, string][] = [
  ['AWSServiceRoleForECS', 'ecs.amazonaws.com'],
  ['AWSServiceRoleForElasticLoadBalancing', 'elasticloadbalancing.amazonaws.com'],
  ['AWSServiceRoleForRDS', 'rds.amazonaws.com'],
  ['AWSServiceRoleForApplicationAutoScaling_ECSService', 'ecs.application-autoscaling.amazonaws.com'],
];

/** Local prerequisites: they need no AWS account. */
export function localChecks(deps: Pick<DoctorDeps, 'nodeVersion' | 'sessionManagerPlugin'>): Check[] {
  const [major = 0] = deps.nodeVersion.split('.').map(Number);
  // Node 20 reached its end of life in April 2026; the AWS SDK warns under it.
  const nodeOk = major >= 24;
  return [
    {
      name: 'Node.js',
      result: nodeOk ? 'ok' : 'fail',
      detail: `v${deps.nodeVersion} (needs >= 24)`,
      fix: nodeOk ? undefined : 'install Node.js 24 LTS (nvm install 24; the repository has an .nvmrc)',
    },
    {
      name: 'session-manager-plugin',
      result: deps.sessionManagerPlugin() ? 'ok' : 'warn',
      detail: deps.sessionManagerPlugin() ? 'installed' : 'not found: only `slipway exec` needs it',
      fix: deps.sessionManagerPlugin()
        ? undefined
        : 'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html',
    },
  ];
}

/** Account prerequisites of one environment (credentials needed). */
export async function accountChecks(config: SlipwayConfig, name: string, deps: DoctorDeps): Promise<Check[]> {
  const { environment: env, kind } = resolveTarget(config, name);
  const where = `account ${env.account} (${env.region})`;
  const aws = deps.factory(env.region);
  const checks: Check[] = [];
  try {
    const id = await aws.sts.identity();
    if (id.account !== env.account) {
      return [
        {
          name: 'credentials',
          result: 'fail',
          detail: `for account ${id.account}, but ${name} lives in ${env.account}`,
          fix: `use a profile or role of account ${env.account}`,
        },
      ];
    }
    checks.push({ name: 'credentials', result: 'ok', detail: id.arn });
  } catch (error) {
    const e = awsError(error, 'doctor', name, where);
    return [{ name: 'credentials', result: 'fail', detail: e.message, fix: e.next }];
  }
  const guard = async (check: string, fn: () => Promise<Check>) => {
    try {
      checks.push(await fn());
    } catch (error) {
      const e = awsError(error, 'doctor', name, where);
      checks.push({ name: check, result: 'skip', detail: e.message });
    }
  };
  await guard('CDK bootstrap', () => bootstrapCheck(aws, env.account, env.region, where));
  // The edge stack (CloudFront's certificate and web ACL) deploys through us-east-1's bootstrap.
  if (edgeStackNeeded(env)) {
    const edgeWhere = `account ${env.account} (${EDGE_REGION})`;
    await guard('CDK bootstrap (edge)', () =>
      bootstrapCheck(deps.factory(EDGE_REGION), env.account, EDGE_REGION, edgeWhere, 'CDK bootstrap (edge)'),
    );
  }
  const stacks = deployStacks(deps.synth(config, name), name, kind).filter((s) => s.environment === name);
  const planned = stacks.reduce((n, s) => n + resourcesOf(s.template, 'AWS::EC2::EIP').length, 0);
  await guard('Elastic IP quota', () => elasticIpCheck(aws, name, stacks, planned));
  for (const [role, service] of SERVICE_LINKED_ROLES) {
    await guard(`service-linked role ${role}`, () => serviceLinkedRoleCheck(aws, role, service));
  }
  const usesSpot = env.service.capacity !== 'on-demand' || env.grafana.capacity === 'spot';
  if (usesSpot) {
    await guard('Fargate Spot', () => spotCheck(aws, env, name));
  }
  // A certificate Slipway creates is validated by CloudFormation; one the user brought may lapse.
  const brought = env.domain?.certificateArn;
  if (env.domain && brought) {
    const domain = { name: env.domain.name, certificateArn: brought };
    await guard('certificate', () => certificateCheck(deps.factory(EDGE_REGION), domain));
  }
  return checks;
}

/** The CDK bootstrap stack's version in the environment's account and region. */
async function bootstrapCheck(
  aws: AwsApis,
  account: string,
  region: string,
  where: string,
  name = 'CDK bootstrap',
): Promise<Check> {
  const version = await aws.ssm.get('/cdk-bootstrap/hnb659fds/version');
  const ok = version !== undefined && Number(version) >= MIN_BOOTSTRAP_VERSION;
  return {
    name,
    result: ok ? 'ok' : 'fail',
    detail: version ? `version ${version} in ${where}` : `not bootstrapped in ${where}`,
    fix: ok ? undefined : `npx cdk bootstrap aws://${account}/${region} (once per account and region)`,
  };
}

/** Room for the NAT gateways' Elastic IPs, unless the network is already deployed. */
async function elasticIpCheck(
  aws: AwsApis,
  name: string,
  stacks: StackInfo[],
  planned: number,
): Promise<Check> {
  const networkDeployed = await aws.cloudFormation.describeStack(stacks[0]?.stackName ?? '');
  const { limit, allocated } = await aws.account.elasticIps();
  const needed = networkDeployed ? 0 : planned;
  const ok = allocated + needed <= limit;
  return {
    name: 'Elastic IP quota',
    result: ok ? 'ok' : 'fail',
    detail: `${allocated} of ${limit} allocated; ${name} plans ${planned} (NAT gateways)${networkDeployed ? ', already deployed' : ''}`,
    fix: ok
      ? undefined
      : 'release unused Elastic IPs or request a higher "EC2-VPC Elastic IPs" quota in Service Quotas',
  };
}

/** A service-linked role ECS or its load balancer needs on the first deploy. */
async function serviceLinkedRoleCheck(aws: AwsApis, role: string, service: string): Promise<Check> {
  const exists = await aws.account.roleExists(role);
  return {
    name: `service-linked role ${role}`,
    result: exists ? 'ok' : 'warn',
    detail: exists
      ? 'present'
      : 'missing: AWS creates it on first use, but a first ECS deploy can fail while it propagates',
    fix: exists ? undefined : `aws iam create-service-linked-role --aws-service-name ${service}`,
  };
}

/** Fargate Spot is offered in the region, for an environment that uses it. */
async function spotCheck(aws: AwsApis, env: ResolvedEnvironment, name: string): Promise<Check> {
  const ok = await aws.ecs.capacityProviderAvailable('FARGATE_SPOT');
  return {
    name: 'Fargate Spot',
    result: ok ? 'ok' : 'fail',
    detail: ok ? `offered in ${env.region}` : `not offered in ${env.region}, but ${name} uses it`,
    fix: ok ? undefined : `set environments.${name}.service.capacity: 'on-demand'`,
  };
}

/** The domain's ACM certificate is issued, covers the name and is not about to expire. */
async function certificateCheck(
  aws: AwsApis,
  domain: { readonly name: string; readonly certificateArn: string },
): Promise<Check> {
  const cert = await aws.account.certificate(domain.certificateArn);
  const days = cert?.notAfter ? Math.floor((cert.notAfter.getTime() - Date.now()) / 86_400_000) : undefined;
  const covers = cert?.domains.some(
    (d) =>
      d === domain.name ||
      (d.startsWith('*.') &&
        domain.name.endsWith(d.slice(1)) &&
        domain.name.split('.').length === d.split('.').length),
  );
  const ok = cert?.status === 'ISSUED' && covers === true && (days === undefined || days > 14);
  return {
    name: 'certificate',
    result: ok ? 'ok' : 'fail',
    detail: cert
      ? `${cert.status}, ${covers ? 'covers' : 'does NOT cover'} ${domain.name}${days !== undefined ? `, expires in ${days} days` : ''}`
      : `${domain.certificateArn} not found in ${EDGE_REGION}`,
    fix: ok ? undefined : `request or validate an ACM certificate for ${domain.name} in ${EDGE_REGION}`,
  };
}

const MARK = { ok: '✓', warn: '!', fail: '✗', skip: '-' } as const;

function printChecks(io: Io, checks: readonly Check[]): void {
  for (const c of checks) {
    io.out(`${MARK[c.result]} ${c.name}: ${c.detail}${c.fix ? `\n    fix: ${c.fix}` : ''}\n`);
  }
}

/** `slipway doctor [<env>]` */
export async function doctorCommand(
  config: SlipwayConfig | undefined,
  envArg: string | undefined,
  io: Io,
  deps: DoctorDeps = realDoctorDeps,
): Promise<ExitCode> {
  const checks = localChecks(deps);
  const devTools = await devToolChecks(deps.devTools);
  if (config && envArg) {
    const { name } = resolveEnvironmentName(config, envArg, 'doctor');
    io.progress.start(`Checking the account prerequisites of ${name}`);
    checks.push(...(await accountChecks(config, name, deps)));
    // A protected environment's reviewers, as the deploy workflow checks them: fails closed.
    checks.push(await approvalDoctorCheck(config, name, deps.approval ?? approvalSource()));
    io.progress.stop();
  }
  printChecks(io, checks);
  io.out('For the tests and benchmarks (npm test, npm run bench:service):\n');
  printChecks(io, devTools);
  const missing = devTools.filter((c) => c.result === 'fail').map((c) => c.name);
  if (missing.length > 0) {
    io.out(
      `Missing for the tests: ${missing.join(', ')}; npm run setup installs what it can. Deploys do not need them.\n`,
    );
  }
  const failed = checks.filter((c) => c.result === 'fail');
  if (failed.length > 0) {
    throw new CliError(
      'SW218',
      `${failed.length} check(s) failed: ${failed.map((c) => c.name).join(', ')}`,
      `fix them, then slipway doctor${envArg ? ` ${envArg}` : ''}`,
    );
  }
  if (!envArg)
    io.out('Offline checks only. With credentials, `slipway doctor <env>` checks the account too.\n');
  return EXIT.ok;
}
