/**
 * The migrate hook skips its task when the release brings no pending migration.
 *
 * Scenarios and expected outcomes:
 * 1. The decision: skip only when the release digest parses, names the target's commit (a 7+
 *    character prefix counts) and equals the applied digest; a missing, malformed or foreign
 *    release digest, no applied digest or a different one → migrate, each with its reason.
 * 2. The target's commit is its image tag when that is a sha, else its GIT_SHA variable.
 * 3. Equal digests: the first invocation answers SUCCEEDED and starts no task.
 * 4. A pending migration: the task runs; its success records the release's digest as applied
 *    (carried in hookDetails while the task runs); a failed migration records nothing.
 * 5. Digests that cannot be read (SSM error), or no digest parameters at all → the hook migrates.
 * 6. A failing write of the applied digest still answers SUCCEEDED (the next deploy migrates again).
 * 7. The hook's configuration takes both parameter names or neither.
 * 8. The digest of a migrations folder changes with a file's content or name and with a new
 *    file, and not with the order files are found in.
 */

import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrationsDigest, releaseDigestValue } from '@slipway/config/contract';
import {
  FakeMigrationTasks,
  FakeTaskDefinitions,
  hookEvent,
  IMAGE_REPO,
  REGION,
  revisionArn,
} from '@slipway/testing/fake-ecs';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../shared/log.ts';
import { loadMigrateHookConfig, type MigrateHookConfig } from './config.ts';
import { decideMigration, type MigrationDigests, targetCommit } from './digests.ts';
import { createHandler, MIGRATIONS_DIGEST } from './handler.ts';

const COMMIT = '3f2c1ab9d0e4c5f60718293a4b5c6d7e8f901234';
const DIGEST = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const TARGET = revisionArn('9313423515462893900');

describe('the migration decision', () => {
  const release = releaseDigestValue(COMMIT, DIGEST);
  it('skips only for the target commit whose digest is the applied one', () => {
    expect(decideMigration({ release, commit: COMMIT, applied: DIGEST }).skip).toBe(true);
    expect(decideMigration({ release, commit: COMMIT.slice(0, 7), applied: DIGEST }).skip).toBe(true);
  });

  it('migrates on anything unknown or different, and says why', () => {
    const reason = (input: Parameters<typeof decideMigration>[0]) => {
      const d = decideMigration(input);
      expect(d.skip).toBe(false);
      return d.reason;
    };
    expect(reason({ release: undefined, commit: COMMIT, applied: DIGEST })).toMatch(/no migrations digest/);
    expect(reason({ release: 'unknown', commit: COMMIT, applied: DIGEST })).toMatch(/no migrations digest/);
    expect(reason({ release: `${COMMIT}:short`, commit: COMMIT, applied: DIGEST })).toMatch(
      /no migrations digest/,
    );
    expect(reason({ release, commit: 'ffffffff', applied: DIGEST })).toMatch(
      /of commit 3f2c1ab.*runs ffffffff/,
    );
    expect(reason({ release, commit: undefined, applied: DIGEST })).toMatch(/an unknown commit/);
    expect(reason({ release, commit: COMMIT, applied: undefined })).toMatch(/no applied migration/);
    expect(reason({ release, commit: COMMIT, applied: OTHER })).toMatch(/not applied here/);
    // A digest is carried (to record after success) only when it describes the target image.
    expect(decideMigration({ release, commit: COMMIT, applied: OTHER }).digest).toBe(DIGEST);
    expect(decideMigration({ release, commit: 'ffffffff', applied: OTHER }).digest).toBeUndefined();
  });

  it("reads the target's commit from its image tag, else from GIT_SHA", () => {
    expect(targetCommit({ image: `${IMAGE_REPO}:${COMMIT}`, environment: {} })).toBe(COMMIT);
    expect(targetCommit({ image: `${IMAGE_REPO}:latest`, environment: { GIT_SHA: COMMIT } })).toBe(COMMIT);
    expect(targetCommit({ image: `${IMAGE_REPO}:latest`, environment: {} })).toBeUndefined();
  });
});

class FakeDigests implements MigrationDigests {
  recorded: string[] = [];
  failRead = false;
  failWrite = false;
  releaseValue: string | undefined;
  appliedValue: string | undefined;

  constructor(releaseValue: string | undefined, appliedValue: string | undefined) {
    this.releaseValue = releaseValue;
    this.appliedValue = appliedValue;
  }
  async release() {
    if (this.failRead) throw new Error('AccessDeniedException');
    return this.releaseValue;
  }
  async applied() {
    return this.appliedValue;
  }
  async recordApplied(digest: string) {
    if (this.failWrite) throw new Error('ThrottlingException');
    this.recorded.push(digest);
  }
}

describe('the migrate hook with digests', () => {
  let now: Date;
  let tasks: FakeMigrationTasks;
  let taskDefinitions: FakeTaskDefinitions;
  let log: ReturnType<typeof memoryLogger>;
  const config: MigrateHookConfig = {
    cluster: 'slipway-prod',
    subnetIds: ['subnet-0aaaaaaaaaaaaaaaa'],
    securityGroupIds: ['sg-0bbbbbbbbbbbbbbbb'],
    assignPublicIp: false,
    containerName: 'app',
    migrateCommand: ['node', 'dist/main.js', 'migrate'],
    timeoutSeconds: 900,
    startTimeoutSeconds: 300,
    callBackDelaySeconds: 15,
    region: REGION,
    logGroupName: undefined,
    logStreamPrefix: undefined,
    digestParameters: {
      release: '/slipway/prod/release/migrations-digest',
      applied: '/slipway/prod/migrations/applied-digest',
    },
  };

  beforeEach(() => {
    now = new Date('2026-11-23T10:00:00Z');
    tasks = new FakeMigrationTasks(() => now);
    taskDefinitions = new FakeTaskDefinitions();
    taskDefinitions.addRevision({ revisionArn: TARGET, revision: 42, image: `${IMAGE_REPO}:${COMMIT}` });
    log = memoryLogger();
  });
  const handler = (digests: MigrationDigests | undefined) =>
    createHandler({ config, tasks, taskDefinitions, now: () => now, log, digests });
  const lastLog = () => log.lines[log.lines.length - 1] as Record<string, unknown>;

  it('answers SUCCEEDED at once and starts no task when the digests match', async () => {
    const digests = new FakeDigests(releaseDigestValue(COMMIT, DIGEST), DIGEST);
    expect(await handler(digests)(hookEvent())).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(tasks.runs).toEqual([]);
    expect(lastLog()).toMatchObject({ skipped: true, reason: expect.stringMatching(/no pending migration/) });
  });

  it('migrates a pending migration and records its digest once it succeeded', async () => {
    const digests = new FakeDigests(releaseDigestValue(COMMIT, DIGEST), OTHER);
    const h = handler(digests);
    const first = await h(hookEvent());
    expect(first.hookStatus).toBe('IN_PROGRESS');
    expect(first.hookDetails?.[MIGRATIONS_DIGEST]).toBe(DIGEST);
    const taskArn = tasks.only().taskArn;
    tasks.update(taskArn, { lastStatus: 'RUNNING', startedAt: now });
    const second = await h(hookEvent({ hookDetails: first.hookDetails }));
    expect(second.hookDetails?.[MIGRATIONS_DIGEST]).toBe(DIGEST);
    expect(digests.recorded).toEqual([]);
    tasks.update(taskArn, { lastStatus: 'STOPPED', exitCode: 0 });
    expect(await h(hookEvent({ hookDetails: second.hookDetails }))).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(digests.recorded).toEqual([DIGEST]);
    expect(lastLog()).toMatchObject({ appliedDigest: DIGEST });
  });

  it('records nothing when the migration fails', async () => {
    const digests = new FakeDigests(releaseDigestValue(COMMIT, DIGEST), undefined);
    const h = handler(digests);
    const first = await h(hookEvent());
    tasks.update(tasks.only().taskArn, { lastStatus: 'STOPPED', exitCode: 1 });
    expect((await h(hookEvent({ hookDetails: first.hookDetails }))).hookStatus).toBe('FAILED');
    expect(digests.recorded).toEqual([]);
  });

  it('migrates when the digests cannot be read or are not configured', async () => {
    const unreadable = new FakeDigests(releaseDigestValue(COMMIT, DIGEST), DIGEST);
    unreadable.failRead = true;
    expect((await handler(unreadable)(hookEvent())).hookStatus).toBe('IN_PROGRESS');
    expect(lastLog().migrationDecision).toMatch(
      /could not read the migrations digests \(AccessDeniedException\)/,
    );
    expect(tasks.runs).toHaveLength(1);
    expect((await handler(undefined)(hookEvent({ deployment: 'other' }))).hookStatus).toBe('IN_PROGRESS');
    expect(tasks.runs).toHaveLength(2);
  });

  it('answers SUCCEEDED when only recording the digest fails', async () => {
    const digests = new FakeDigests(releaseDigestValue(COMMIT, DIGEST), OTHER);
    digests.failWrite = true;
    const h = handler(digests);
    const first = await h(hookEvent());
    tasks.update(tasks.only().taskArn, { lastStatus: 'STOPPED', exitCode: 0 });
    expect(await h(hookEvent({ hookDetails: first.hookDetails }))).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(lastLog()).toMatchObject({ recordError: 'ThrottlingException' });
  });

  it('takes both parameter names or neither', () => {
    const env = {
      CLUSTER: 'slipway-prod',
      SUBNET_IDS: 'subnet-0aaaaaaaaaaaaaaaa',
      SECURITY_GROUP_IDS: 'sg-0bbbbbbbbbbbbbbbb',
      AWS_REGION: REGION,
    };
    expect(
      loadMigrateHookConfig({ ...env, RELEASE_DIGEST_PARAMETER: '/a/r', APPLIED_DIGEST_PARAMETER: '/a/p' })
        .digestParameters,
    ).toEqual({ release: '/a/r', applied: '/a/p' });
    expect(() => loadMigrateHookConfig({ ...env, RELEASE_DIGEST_PARAMETER: '/a/r' })).toThrow(
      /set both or neither/,
    );
  });
});

describe('the migrations digest', () => {
  it('changes with a content, a name or a new file, not with anything else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-migrations-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, '1_a.sql'), 'create table a ();');
    writeFileSync(join(dir, 'sub', '2_b.sql'), 'create table b ();');
    const first = migrationsDigest(dir);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(migrationsDigest(dir)).toBe(first);
    writeFileSync(join(dir, '1_a.sql'), 'create table a (id int);');
    const edited = migrationsDigest(dir);
    expect(edited).not.toBe(first);
    renameSync(join(dir, '1_a.sql'), join(dir, '1_c.sql'));
    const renamed = migrationsDigest(dir);
    expect(renamed).not.toBe(edited);
    writeFileSync(join(dir, '3_d.sql'), '');
    expect(migrationsDigest(dir)).not.toBe(renamed);
  });
});
