import { Writable } from 'node:stream';
import { formatDifferences, fullDiff } from '@aws-cdk/cloudformation-diff';
import type { SlipwayConfig } from '@slipway/config';
import { deployStacks } from '../deploy/deploy.ts';
import { type TrafficChange, trafficChanges } from '../deploy/guards.ts';
import { EXIT, type ExitCode } from '../errors.ts';
import type { Io } from '../io.ts';
import { call, defaultReadDeps, onlineTarget, type ReadDeps } from '../online.ts';

export interface StackDiff {
  readonly stack: string;
  readonly region: string;
  /** False when the stack does not exist yet (everything would be created). */
  readonly deployed: boolean;
  readonly changes: { logicalId: string; type: string; impact: string }[];
  /** Changes the deploy's traffic guard would refuse (aws/aws-cdk#36649). */
  readonly trafficChanges: TrafficChange[];
}

/** `slipway diff <env> [--json]`: the synthesized stacks against the deployed ones. */
export async function diff(
  config: SlipwayConfig,
  envArg: string,
  options: { json?: boolean },
  io: Io,
  deps: ReadDeps = defaultReadDeps,
): Promise<ExitCode> {
  const target = await onlineTarget(config, envArg, 'diff', deps.factory);
  const name = target.env.name;
  io.progress.start(`Synthesizing ${name}`);
  const stacks = deployStacks(deps.synth(config, name), name, target.kind);
  io.progress.update('Reading the deployed templates');
  const result: StackDiff[] = [];
  let text = '';
  for (const s of stacks) {
    const aws = s.region === target.aws.region ? target.aws : deps.factory(s.region);
    const current = await call(
      () => aws.cloudFormation.getTemplate(s.stackName),
      'diff',
      name,
      `account ${s.account} (${s.region})`,
    );
    const d = fullDiff(current ?? {}, s.template);
    const changes: StackDiff['changes'] = [];
    d.resources.forEachDifference((logicalId, c) => {
      if (c.isDifferent)
        changes.push({
          logicalId,
          type: c.newResourceType ?? c.oldResourceType ?? '',
          impact: c.changeImpact,
        });
    });
    result.push({
      stack: s.stackName,
      region: s.region,
      deployed: current !== undefined,
      changes,
      trafficChanges: trafficChanges(current, s.template),
    });
    if (!options.json) {
      let out = '';
      const stream = new Writable({
        write(chunk, _enc, done) {
          out += chunk.toString();
          done();
        },
      });
      formatDifferences(stream as unknown as NodeJS.WritableStream, d);
      text += `Stack ${s.stackName}${current ? '' : ' (not deployed yet)'}\n${d.isEmpty ? 'There were no differences\n' : out}\n`;
    }
  }
  io.progress.succeed(`Compared ${stacks.length} stacks`);
  if (options.json) {
    io.out(
      `${JSON.stringify({ version: 1, environment: name, changed: result.some((r) => r.changes.length > 0), stacks: result }, null, 2)}\n`,
    );
  } else {
    io.out(text);
    for (const r of result.filter((x) => x.trafficChanges.length > 0)) {
      io.out(
        `! ${r.stack}: the production listener rule or its target groups change (${r.trafficChanges.map((c) => c.logicalId).join(', ')}); \`slipway deploy\` will refuse without --allow-traffic-reset\n`,
      );
    }
  }
  return EXIT.ok;
}
