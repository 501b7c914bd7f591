/*
 * `slipway destroy` guards, all before any AWS call (the AWS factory throws if touched):
 *   - a protected environment (prod) without --allow-protected → SW212, exit 4
 *   - a non-interactive run without --yes → SW213, exit 4, after listing what is kept
 *   - a wrong typed-back name → SW213, nothing deleted
 *   - the retained list comes from the templates: RDS final snapshots (prod and staging), log groups
 * And with an in-memory AWS (stacks, termination protection, RDS deletion protection, and a
 * deleter that refuses protected stacks and instances as CloudFormation and RDS do):
 *   - --yes deletes the environment's stacks (not the shared account stacks)
 *   - the typed-back name confirms interactively
 *   - prod --allow-protected: guards → retained list → termination protection off on exactly the
 *     stacks that have it → deletion protection off on the data stack's instance → delete; one
 *     progress line each; the final snapshot is still taken
 *   - a refusing guard (no --allow-protected, no --yes off a terminal, a wrong typed name, a busy
 *     stack) switches nothing off
 *   - an unprotected environment whose database has deletion protection on is refused (SW212)
 *     before anything changes unless --allow-protected is given
 *   - a failure midway (switching off the database's protection; the deletion) names what was
 *     switched off and the commands that switch it back on
 */
import type { SlipwayConfig } from '@slipway/config';
import { type FakeState, fakeAws, fakeState, noAws } from '@slipway/testing/cli/fake-aws';
import { fakeDeployer } from '@slipway/testing/cli/fake-deployer';
import { shippedAssembly, shippedConfig } from '@slipway/testing/cli/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProtectionFactory } from '../aws/protection.ts';
import type { Deployer } from '../aws/toolkit.ts';
import { CliError } from '../errors.ts';
import { captureIo, type Io, recordingProgress } from '../io.ts';
import { type StackInfo, type Synthesized, stacksOf } from '../synth/synthesize.ts';
import { resourcesOf } from '../synth/template.ts';
import { destroyCommand, retainedResources } from './destroy.ts';

let config: SlipwayConfig;
let synthesized: Synthesized;
beforeAll(async () => {
  config = await shippedConfig();
  synthesized = await shippedAssembly();
});

async function failure(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

const offline = (answers: string[] = [], interactive = false) => {
  const cap = captureIo(answers, interactive);
  const rec = fakeDeployer();
  return {
    cap,
    rec,
    deps: { factory: noAws, synth: () => synthesized, deployer: () => rec.deployer, io: cap.io },
  };
};

describe('slipway destroy guards (no AWS call)', () => {
  it('refuses a protected environment without --allow-protected', async () => {
    const { cap, rec, deps } = offline();
    const e = await failure(destroyCommand(config, 'prod', { yes: true }, cap.io, deps));
    expect(e.code).toBe('SW212');
    expect(e.exitCode).toBe(4);
    expect(e.next).toBe('slipway destroy prod --allow-protected');
    expect(rec.destroyed).toEqual([]);
  });

  it('refuses a non-interactive run without --yes, after listing what is kept', async () => {
    const { cap, rec, deps } = offline();
    const e = await failure(destroyCommand(config, 'dev', {}, cap.io, deps));
    expect(e.code).toBe('SW213');
    expect(e.next).toBe('slipway destroy dev --yes');
    expect(cap.stderr()).toContain('Kept after destroy');
    expect(cap.stderr()).toContain('the image registry slipway');
    expect(rec.destroyed).toEqual([]);
  });

  it('refuses a protected environment off a terminal without printing a command that would delete it', async () => {
    const { cap, rec, deps } = offline();
    const e = await failure(destroyCommand(config, 'prod', { allowProtected: true }, cap.io, deps));
    expect(e.code).toBe('SW213');
    expect(e.exitCode).toBe(4);
    expect(e.message).toContain('needs its name typed back at a terminal');
    const printed = `${e.message} ${e.next}`;
    expect(printed).not.toContain('--yes');
    expect(printed).not.toMatch(/slipway destroy prod\b.*--/);
    expect(rec.destroyed).toEqual([]);
  });

  it('refuses when the typed-back name does not match', async () => {
    const { cap, rec, deps } = offline(['prod'], true);
    const e = await failure(destroyCommand(config, 'dev', {}, cap.io, deps));
    expect(e.code).toBe('SW213');
    expect(e.message).toContain('does not match "dev"');
    expect(rec.destroyed).toEqual([]);
  });

  it('lists what the templates retain: the final snapshots and the log groups', () => {
    const prod = retainedResources(stacksOf(synthesized, 'prod'));
    expect(prod).toContainEqual(
      expect.objectContaining({ type: 'AWS::RDS::DBInstance', policy: 'Snapshot' }),
    );
    expect(retainedResources(stacksOf(synthesized, 'staging'))).toContainEqual(
      expect.objectContaining({ type: 'AWS::RDS::DBInstance', policy: 'Snapshot' }),
    );
    expect(prod.filter((r) => r.type === 'AWS::Logs::LogGroup').length).toBeGreaterThan(0);
    const dev = retainedResources(stacksOf(synthesized, 'dev'));
    expect(dev.some((r) => r.type === 'AWS::RDS::DBInstance')).toBe(false);
  });
});

/**
 * An account with an environment's stacks deployed: CloudFormation termination protection per
 * stack, RDS instances with deletion protection, one event log shared with the Io, and a deleter
 * that refuses what AWS refuses.
 */
interface World {
  readonly state: FakeState;
  readonly terminationProtection: Map<string, boolean>;
  /** stack → physical ids of its AWS::RDS::DBInstance resources */
  readonly instances: Map<string, string[]>;
  /** RDS instance id → deletion protection */
  readonly databases: Map<string, boolean>;
  readonly snapshots: string[];
  readonly deleted: string[];
  /** Every step, in order: Io output and progress, protection calls, deletions. */
  readonly events: string[];
  /** `setTerminationProtection <stack>` / `setDeletionProtection <id>` / `destroy`: fail that call. */
  failOn?: string;
}

function world(env: string, options: { databaseProtected: boolean }): World {
  const state = fakeState(env === 'prod' ? '333333333333' : env === 'staging' ? '222222222222' : undefined);
  const w: World = {
    state,
    terminationProtection: new Map(),
    instances: new Map(),
    databases: new Map(),
    snapshots: [],
    deleted: [],
    events: [],
  };
  for (const s of stacksOf(synthesized, env)) {
    state.stacks.set(s.stackName, { name: s.stackName, status: 'CREATE_COMPLETE' });
    // As the CDK deploys them: termination protection from the stack's setting.
    w.terminationProtection.set(s.stackName, s.terminationProtection);
    if (resourcesOf(s.template, 'AWS::RDS::DBInstance').length > 0) {
      const id = `${s.stackName}-db-0abc`;
      w.instances.set(s.stackName, [id]);
      w.databases.set(id, options.databaseProtected);
    }
  }
  return w;
}

function fail(what: string, name = 'AccessDenied'): never {
  const e = new Error(`User is not authorized to perform: ${what}`);
  e.name = name;
  throw e;
}

function fakeProtection(w: World): ProtectionFactory {
  return (region) => ({
    async terminationProtection(stack) {
      w.events.push(`read termination protection ${stack} @${region}`);
      return w.state.stacks.has(stack) ? (w.terminationProtection.get(stack) ?? false) : undefined;
    },
    async setTerminationProtection(stack, enabled) {
      w.events.push(`set termination protection ${stack}=${enabled} @${region}`);
      if (w.failOn === `setTerminationProtection ${stack}`)
        fail('cloudformation:UpdateTerminationProtection');
      w.terminationProtection.set(stack, enabled);
    },
    async stackResourceIds(stack, type) {
      w.events.push(`list ${type} ${stack}`);
      return type === 'AWS::RDS::DBInstance' ? (w.instances.get(stack) ?? []) : [];
    },
    async database(id) {
      w.events.push(`read database ${id}`);
      const p = w.databases.get(id);
      return p === undefined ? undefined : { status: 'available', deletionProtection: p };
    },
    async setDeletionProtection(id, enabled) {
      w.events.push(`set deletion protection ${id}=${enabled} @${region}`);
      if (w.failOn === `setDeletionProtection ${id}`) fail('rds:ModifyDBInstance');
      w.databases.set(id, enabled);
    },
  });
}

/** Deletes dependents first and stops at the first refusal, as CloudFormation does. */
function deleter(w: World, stacks: readonly StackInfo[]): Deployer {
  return {
    async deploy() {
      throw new Error('destroy must not deploy');
    },
    async destroy(paths) {
      w.events.push('destroy');
      if (w.failOn === 'destroy') throw new Error('Stack slipway-prod-service DELETE_FAILED: ENI in use');
      for (const s of [...stacks].reverse().filter((x) => paths.includes(x.constructPath))) {
        if (w.terminationProtection.get(s.stackName))
          throw new Error(`Stack [${s.stackName}] cannot be deleted while TerminationProtection is enabled`);
        for (const id of w.instances.get(s.stackName) ?? []) {
          if (w.databases.get(id))
            throw new Error(`Cannot delete protected DB Instance ${id}, please disable deletion protection`);
          const db = resourcesOf(s.template, 'AWS::RDS::DBInstance')[0];
          if (db?.DeletionPolicy === 'Snapshot') w.snapshots.push(`${id}-final`);
        }
        w.deleted.push(s.stackName);
        w.state.stacks.delete(s.stackName);
      }
    },
  };
}

/** An Io whose output and progress go into the world's event log, in order. */
function eventIo(w: World, answers: string[] = [], interactive = false): Io {
  const progress: string[] = [];
  const rec = recordingProgress(progress);
  const track =
    (fn: (t: string) => void) =>
    (t?: string): void => {
      fn(t ?? '');
      w.events.push(`progress ${progress[progress.length - 1]}`);
    };
  return {
    out: (t) => w.events.push(`out ${t}`),
    err: (t) => w.events.push(`err ${t}`),
    interactive,
    ask: async (q) => {
      w.events.push(`ask ${q}`);
      return answers.shift() ?? '';
    },
    progress: {
      start: track(rec.start),
      update: track(rec.update),
      succeed: track(rec.succeed),
      fail: track(rec.fail),
      warn: track(rec.warn),
      info: track(rec.info),
      stop: () => undefined,
    },
  };
}

function run(
  w: World,
  env: string,
  options: { yes?: boolean; allowProtected?: boolean },
  io: Io = eventIo(w),
) {
  const stacks = stacksOf(synthesized, env);
  return destroyCommand(config, env, options, io, {
    factory: fakeAws(w.state),
    synth: () => synthesized,
    deployer: () => deleter(w, stacks),
    protection: fakeProtection(w),
    io,
  });
}

const at = (w: World, prefix: string) => w.events.findIndex((e) => e.startsWith(prefix));
const switched = (w: World) => w.events.filter((e) => e.startsWith('set '));

describe('slipway destroy (in-memory AWS)', () => {
  it('deletes only the environment stacks with --yes', async () => {
    const cap = captureIo();
    const rec = fakeDeployer();
    const deps = {
      factory: fakeAws(fakeState()),
      synth: () => synthesized,
      deployer: () => rec.deployer,
      protection: fakeProtection(world('dev', { databaseProtected: false })),
      io: cap.io,
    };
    await destroyCommand(config, 'dev', { yes: true }, cap.io, deps);
    expect(rec.destroyed).toEqual([stacksOf(synthesized, 'dev').map((s) => s.constructPath)]);
  });

  it('accepts the typed-back name', async () => {
    const cap = captureIo(['test'], true);
    const rec = fakeDeployer();
    const deps = {
      factory: fakeAws(fakeState()),
      synth: () => synthesized,
      deployer: () => rec.deployer,
      protection: fakeProtection(world('test', { databaseProtected: false })),
      io: cap.io,
    };
    await destroyCommand(config, 'test', {}, cap.io, deps);
    expect(rec.destroyed).toHaveLength(1);
  });

  it('prod --allow-protected: retained list, then protection off, then the deletion with a final snapshot', async () => {
    const w = world('prod', { databaseProtected: true });
    const prodStacks = stacksOf(synthesized, 'prod').map((s) => s.stackName);
    const regionOf = new Map(stacksOf(synthesized, 'prod').map((s) => [s.stackName, s.region]));
    expect([...w.terminationProtection.values()].every(Boolean)).toBe(true);
    await run(w, 'prod', { yes: true, allowProtected: true });

    const kept = at(w, 'err Kept after destroy');
    const firstSwitch = at(w, 'set ');
    const database = at(w, 'set deletion protection');
    const destroy = w.events.indexOf('destroy');
    expect(kept).toBeGreaterThanOrEqual(0);
    expect(firstSwitch).toBeGreaterThan(kept);
    expect(database).toBeGreaterThan(firstSwitch);
    expect(destroy).toBeGreaterThan(database);
    // Exactly the stacks that had it, then the data stack's instance, each with its own progress line.
    expect(switched(w)).toEqual([
      ...prodStacks.map((s) => `set termination protection ${s}=false @${regionOf.get(s)}`),
      'set deletion protection slipway-prod-data-db-0abc=false @af-south-1',
    ]);
    for (const s of prodStacks)
      expect(w.events).toContain(`progress succeed Switched off termination protection on stack ${s}`);
    expect(w.events).toContain(
      'progress succeed Switched off deletion protection on RDS instance slipway-prod-data-db-0abc (stack slipway-prod-data); CloudFormation still takes its final snapshot (DeletionPolicy Snapshot)',
    );
    expect(w.deleted).toEqual([...prodStacks].reverse());
    expect(w.snapshots).toEqual(['slipway-prod-data-db-0abc-final']);
  });

  it('switches off only the stacks that have termination protection on', async () => {
    const w = world('prod', { databaseProtected: false });
    w.terminationProtection.set('slipway-prod-network', false);
    w.terminationProtection.set('slipway-prod-observability', false);
    await run(w, 'prod', { yes: true, allowProtected: true });
    expect(switched(w)).toEqual([
      'set termination protection slipway-prod-data=false @af-south-1',
      // The edge stack (CloudFront's web ACL) lives in us-east-1.
      'set termination protection slipway-prod-edge=false @us-east-1',
      'set termination protection slipway-prod-service=false @af-south-1',
    ]);
    expect(w.deleted).toHaveLength(5);
  });

  it('switches nothing off when a guard refuses', async () => {
    const refusals: [string, World, () => Promise<unknown>][] = [];
    const add = (label: string, run$: (w: World) => Promise<unknown>) => {
      const w = world('prod', { databaseProtected: true });
      refusals.push([label, w, () => run$(w)]);
    };
    add('no --allow-protected', (w) => run(w, 'prod', { yes: true }));
    add('no --yes off a terminal', (w) => run(w, 'prod', { allowProtected: true }));
    add('a wrong typed-back name', (w) =>
      run(w, 'prod', { allowProtected: true }, eventIo(w, ['staging'], true)),
    );
    add('a busy stack', (w) => {
      w.state.stacks.set('slipway-prod-service', {
        name: 'slipway-prod-service',
        status: 'UPDATE_IN_PROGRESS',
      });
      return run(w, 'prod', { yes: true, allowProtected: true });
    });
    for (const [label, w, go] of refusals) {
      const e = await failure(go());
      expect(['SW212', 'SW213', 'SW208'], label).toContain(e.code);
      expect(e.exitCode, label).toBe(4);
      expect(switched(w), label).toEqual([]);
      expect(w.events, label).not.toContain('destroy');
      expect([...w.terminationProtection.values()].every(Boolean), label).toBe(true);
      expect([...w.databases.values()].every(Boolean), label).toBe(true);
    }
  });

  it('refuses an unprotected environment whose database has deletion protection on, without --allow-protected', async () => {
    const w = world('staging', { databaseProtected: true });
    const e = await failure(run(w, 'staging', { yes: true }));
    expect(e.code).toBe('SW212');
    expect(e.message).toContain(
      'deletion protection on RDS instance slipway-staging-data-db-0abc (stack slipway-staging-data)',
    );
    expect(e.message).toContain('nothing was changed or deleted');
    expect(e.next).toBe('slipway destroy staging --allow-protected');
    expect(switched(w)).toEqual([]);
    expect(w.events).not.toContain('destroy');

    const allowed = world('staging', { databaseProtected: true });
    await run(allowed, 'staging', { yes: true, allowProtected: true });
    expect(switched(allowed)).toEqual([
      'set deletion protection slipway-staging-data-db-0abc=false @af-south-1',
    ]);
    expect(allowed.deleted).toHaveLength(5); // with the us-east-1 edge stack (its web ACL)
  });

  it('names what was switched off, and how to switch it back on, when the database step fails', async () => {
    const w = world('prod', { databaseProtected: true });
    w.failOn = 'setDeletionProtection slipway-prod-data-db-0abc';
    const e = await failure(run(w, 'prod', { yes: true, allowProtected: true }));
    expect(e.code).toBe('SW207');
    expect(e.message).toContain(
      'switching off deletion protection on RDS instance slipway-prod-data-db-0abc (stack slipway-prod-data) in account 333333333333 (af-south-1) failed (it needs rds:ModifyDBInstance and rds:DescribeDBInstances on the instance)',
    );
    expect(e.message).toContain('nothing was deleted, 5 protection(s) already off');
    expect(w.events).not.toContain('destroy');
    const report = w.events.filter((x) => x.startsWith('err ')).join('');
    for (const { stackName: s, region } of stacksOf(synthesized, 'prod')) {
      expect(report).toContain(`  - termination protection on stack ${s}\n`);
      expect(report).toContain(
        `  aws cloudformation update-termination-protection --enable-termination-protection --stack-name ${s} --region ${region}\n`,
      );
    }
    expect(report).not.toContain('aws rds modify-db-instance');
    expect(w.databases.get('slipway-prod-data-db-0abc')).toBe(true);
  });

  it('names what was switched off when the deletion itself fails', async () => {
    const w = world('prod', { databaseProtected: true });
    w.failOn = 'destroy';
    const e = await failure(run(w, 'prod', { yes: true, allowProtected: true }));
    expect(e.code).toBe('SW211');
    expect(e.message).toContain('6 protection(s) were switched off first');
    const report = w.events.filter((x) => x.startsWith('err ')).join('');
    expect(report).toContain(
      '  aws rds modify-db-instance --db-instance-identifier slipway-prod-data-db-0abc --deletion-protection --apply-immediately --region af-south-1\n',
    );
    expect(report).toContain('--stack-name slipway-prod-network --region af-south-1');
  });

  it('fails at the first protected stack without --allow-protected switching it off (the deleter is strict)', async () => {
    // The fake deleter refuses protected stacks, so the deletions above prove the switches happened.
    const w = world('prod', { databaseProtected: true });
    const stacks = stacksOf(synthesized, 'prod');
    await expect(deleter(w, stacks).destroy(stacks.map((s) => s.constructPath))).rejects.toThrow(
      'cannot be deleted while TerminationProtection is enabled',
    );
  });
});
