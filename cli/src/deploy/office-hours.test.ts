/*
 * Waking an environment outside its office hours, before a deploy (in-memory AWS):
 *   - a sleeping dev: the NAT instance and the database are started and awaited, then each service
 *     with an ...OfficeHoursStart action is set to that action's bounds; the others are left alone
 *   - an awake dev: nothing is started, nothing rescaled
 *   - a database still stopping (the deploy came right after the stop) is waited for, then started
 *   - a database that never comes up → SW221 naming it, after the configured wait
 *   - an environment without office hours, or not deployed yet, is not touched
 *   - a pull-request preview wakes its base's NAT instance (it has no database) and its own services
 *   - `slipway deploy dev` wakes dev before CloudFormation runs, and says so
 */
import { resolveEnvironment, type SlipwayConfig } from '@slipway/config';
import { resolveTarget } from '@slipway/config/contract';
import { type FakeState, fakeAws, fakeState } from '@slipway/testing/cli/fake-aws';
import { fakeDeployer } from '@slipway/testing/cli/fake-deployer';
import { shippedAssembly, shippedConfig } from '@slipway/testing/cli/fixtures';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ScalableTargetState } from '../aws/api.ts';
import { deployCommand } from '../commands/deploy.ts';
import { CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import type { Synthesized } from '../synth/synthesize.ts';
import { startOfficeHoursEarly } from './office-hours.ts';

let config: SlipwayConfig;
let synthesized: Synthesized;
beforeAll(async () => {
  config = await shippedConfig();
  synthesized = await shippedAssembly();
});

const DB = 'slipway-dev-data-database-abc123';
const NAT = 'i-0123456789abcdef0';
const target = (
  service: string,
  min: number,
  max: number,
  start?: [number, number],
): ScalableTargetState => ({
  resourceId: `service/slipway-dev/${service}`,
  min,
  max,
  scheduledActions: start
    ? [
        { name: `${service}OfficeHoursStart`, min: start[0], max: start[1] },
        { name: `${service}OfficeHoursStop`, min: 0, max: 0 },
      ]
    : [],
});

let state: FakeState;
beforeEach(() => {
  state = fakeState('111111111111');
  state.parameters.set('/slipway/dev/network/nat-instance-id', NAT);
  state.parameters.set('/slipway/dev/data/db-instance-id', DB);
  state.parameters.set('/slipway/dev/service/cluster-name', 'slipway-dev');
  state.parameters.set('/slipway/dev/service/url', 'http://slipway-dev.example');
  state.parameters.set('/slipway/dev/release/image-tag', 'abc1234');
});

/** dev as it is at night: everything stopped, the services held at zero. */
function asleep() {
  state.instances.set(NAT, 'stopped');
  state.databases.set(DB, 'stopped');
  for (const t of [target('web', 0, 0, [1, 2]), target('grafana', 0, 0, [1, 1]), target('other', 0, 3)])
    state.scalableTargets.set(t.resourceId, t);
}

const sleeps: number[] = [];
const options = {
  command: 'deploy',
  pollMs: 1000,
  timeoutMs: 10_000,
  sleep: async (ms: number) => void sleeps.push(ms),
};
const dev = () => resolveEnvironment('dev', config.environments.dev as never, config);
const calls = () => state.calls.map((c) => c.replace(/ @.*$/, ''));

describe('waking an environment before a deploy', () => {
  it('starts the NAT instance and the database, waits for them, then scales the services up', async () => {
    asleep();
    const { io } = captureIo();
    const { woken } = await startOfficeHoursEarly(dev(), fakeAws(state)('us-east-1'), io, options);
    expect(woken).toEqual([`NAT instance ${NAT}`, `database ${DB}`, 'service web', 'service grafana']);
    expect(state.instances.get(NAT)).toBe('running');
    expect(state.databases.get(DB)).toBe('available');
    expect(state.scalableTargets.get('service/slipway-dev/web')).toMatchObject({ min: 1, max: 2 });
    expect(state.scalableTargets.get('service/slipway-dev/grafana')).toMatchObject({ min: 1, max: 1 });
    // A target without an office-hours action is not this feature's to change.
    expect(state.scalableTargets.get('service/slipway-dev/other')).toMatchObject({ min: 0, max: 3 });
    const c = calls();
    expect(c.indexOf('autoscaling.register service/slipway-dev/web 1-2')).toBeGreaterThan(
      c.lastIndexOf(`rds.describe ${DB}`),
    );
  });

  it('leaves an awake environment alone', async () => {
    state.instances.set(NAT, 'running');
    state.databases.set(DB, 'available');
    state.scalableTargets.set('service/slipway-dev/web', target('web', 1, 2, [1, 2]));
    const { woken } = await startOfficeHoursEarly(
      dev(),
      fakeAws(state)('us-east-1'),
      captureIo().io,
      options,
    );
    expect(woken).toEqual([]);
    expect(calls().filter((c) => /start|register/.test(c))).toEqual([]);
  });

  it('waits for a database that is still stopping, then starts it', async () => {
    asleep();
    state.databases.set(DB, 'stopping');
    await startOfficeHoursEarly(dev(), fakeAws(state)('us-east-1'), captureIo().io, options);
    expect(calls().filter((c) => c.startsWith('rds.'))).toEqual([
      `rds.describe ${DB}`, // stopping
      `rds.describe ${DB}`, // stopped
      `rds.start ${DB}`,
      `rds.describe ${DB}`, // starting
      `rds.describe ${DB}`, // available
    ]);
  });

  it('gives up with SW221 when the database does not come up', async () => {
    state.instances.set(NAT, 'running');
    state.databases.set(DB, 'backing-up');
    const error = await startOfficeHoursEarly(
      dev(),
      fakeAws(state)('us-east-1'),
      captureIo().io,
      options,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('SW221');
    expect((error as CliError).message).toContain(`database ${DB} did not become available within 10 s`);
  });

  it('does nothing for an environment without office hours, or one not deployed yet', async () => {
    const test = resolveEnvironment('test', config.environments.test as never, config);
    expect(await startOfficeHoursEarly(test, fakeAws(state)('us-east-1'), captureIo().io, options)).toEqual({
      woken: [],
    });
    expect(state.calls).toEqual([]);
    state.parameters.clear();
    expect(await startOfficeHoursEarly(dev(), fakeAws(state)('us-east-1'), captureIo().io, options)).toEqual({
      woken: [],
    });
  });

  it("wakes a preview's base NAT instance and the preview's own services", async () => {
    asleep();
    state.parameters.set('/slipway/pr-7/service/cluster-name', 'slipway-pr-7');
    state.scalableTargets.set('service/slipway-pr-7/pr-7', {
      ...target('pr-7', 0, 0, [1, 1]),
      resourceId: 'service/slipway-pr-7/pr-7',
    });
    const preview = resolveTarget(config, 'pr-7').environment;
    const { woken } = await startOfficeHoursEarly(
      preview,
      fakeAws(state)('us-east-1'),
      captureIo().io,
      options,
    );
    expect(woken).toEqual([`NAT instance ${NAT}`, 'service pr-7']);
    expect(state.databases.get(DB)).toBe('stopped'); // dev's database is not the preview's
    expect(state.scalableTargets.get('service/slipway-dev/web')).toMatchObject({ min: 0, max: 0 });
  });

  it('makes `slipway deploy dev` wake dev before CloudFormation deploys anything', async () => {
    asleep();
    const cap = captureIo();
    const rec = fakeDeployer();
    let databaseAtDeploy: string | undefined;
    const deployer = {
      ...rec.deployer,
      async deploy(stacks: string[]) {
        databaseAtDeploy = state.databases.get(DB);
        await rec.deployer.deploy(stacks);
      },
    };
    await deployCommand(config, 'dev', {}, cap.io, {
      factory: fakeAws(state),
      synth: () => synthesized,
      deployer: () => deployer,
      io: cap.io,
      sleep: async () => {},
    });
    expect(databaseAtDeploy).toBe('available');
    expect(rec.deployed).toHaveLength(1);
    expect(cap.progressLog.join('\n')).toContain("Started dev's office hours early");
  });
});
