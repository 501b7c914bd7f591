import type { Printable } from './print.ts';
import type { Recorder } from './report.ts';
import { durationSeconds, isMap, reportUnknown } from './values.ts';

/*
 * `count` (site/content/docs/manifest/lb-web-service.en.md, "count"; `AdvancedCount` in
 * internal/pkg/manifest/svc.go) as one environment's `services.<name>` settings. Slipway keeps
 * task counts, capacity and scaling targets per environment, so every environment gets them.
 *   - a number n: n tasks, no autoscaling → minTasks = maxTasks = n;
 *   - `spot: n`: n tasks on Fargate Spot → capacity 'spot';
 *   - `range: n-m` or `{ min, max, spot_from }`: autoscaling bounds; tasks from the spot_from-th on
 *     run on Spot → capacity { mixed: { base: spot_from - 1, … } };
 *   - `cpu_percentage`, `memory_percentage`, `requests` (ALB requests per task per minute): targets;
 *   - worker `queue_delay`: acceptable_latency / msg_processing_time is the backlog per task Copilot
 *     tracks, which is Slipway's messagesPerTask.
 * Copilot's default is one on-demand task; Slipway's differ (Spot outside production), so the
 * capacity is always written.
 */

export type ServiceKind = 'web' | 'backend' | 'worker' | 'job';

/** `value` or `{ value, cooldown }` of an autoscaling field. */
function target(field: unknown): number | undefined {
  const value = isMap(field) ? field.value : field;
  return typeof value === 'number' ? value : undefined;
}

function range(count: Record<string, unknown>): { min?: number; max?: number; spotFrom?: number } {
  const r = count.range;
  if (typeof r === 'string') {
    const m = /^(\d+)-(\d+)$/.exec(r.trim());
    return m ? { min: Number(m[1]), max: Number(m[2]) } : {};
  }
  if (!isMap(r)) return {};
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  return { min: num(r.min), max: num(r.max), spotFrom: num(r.spot_from) };
}

function scalingTargets(
  count: Record<string, unknown>,
  kind: ServiceKind,
  rec: Recorder,
  out: Record<string, Printable>,
) {
  const percent = (field: 'cpu_percentage' | 'memory_percentage', key: string) => {
    const value = target(count[field]);
    if (value === undefined) return;
    const clamped = Math.min(95, Math.max(10, Math.round(value)));
    out[key] = clamped;
    if (clamped === value) rec.mapped(`count.${field}`, `target ${value}%`, key);
    else rec.approximated(`count.${field}`, `Slipway takes 10-95%; ${value}% became ${clamped}%`, key);
  };
  if (kind === 'web' || kind === 'backend') {
    percent('cpu_percentage', 'scaleOnCpuPercent');
    percent('memory_percentage', 'scaleOnMemoryPercent');
  } else
    for (const f of ['cpu_percentage', 'memory_percentage'])
      if (f in count) rec.notMapped(`count.${f}`, `a ${kind} scales on its queue in Slipway, not on ${f}`);
  const requests = target(count.requests);
  if (requests !== undefined) {
    if (kind === 'web') {
      out.scaleOnRequestsPerTarget = requests;
      rec.mapped('count.requests', `${requests} ALB requests per task`, 'scaleOnRequestsPerTarget');
    } else
      rec.notMapped(
        'count.requests',
        `only a web service scales on ALB requests in Slipway; a ${kind} has no load balancer`,
      );
  }
  if ('response_time' in count)
    rec.notMapped(
      'count.response_time',
      'Slipway scales on CPU, memory and request count, not on response time; use scaleOnRequestsPerTarget',
    );
  if (
    'cooldown' in count ||
    [count.cpu_percentage, count.memory_percentage, count.requests].some((f) => isMap(f) && 'cooldown' in f)
  )
    rec.notMapped('count.cooldown', "Slipway uses Application Auto Scaling's default cooldowns");
  if (isMap(count.queue_delay)) {
    const latency = durationSeconds(count.queue_delay.acceptable_latency);
    const each = durationSeconds(count.queue_delay.msg_processing_time);
    if (kind === 'worker' && latency && each) {
      out.messagesPerTask = Math.max(1, Math.floor(latency / each));
      rec.mapped(
        'count.queue_delay',
        `acceptable_latency / msg_processing_time = ${out.messagesPerTask} messages per task, the backlog Copilot tracked`,
        'messagesPerTask',
      );
    } else rec.notMapped('count.queue_delay', 'needs acceptable_latency and msg_processing_time on a worker');
  }
}

/** The spot part of a range: tasks from `spotFrom` on run on Spot. */
function spotCapacity(spotFrom: number, rec: Recorder): Printable {
  if (spotFrom <= 1) {
    rec.mapped('count.range.spot_from', 'every task on Fargate Spot', 'capacity');
    return 'spot';
  }
  rec.approximated(
    'count.range.spot_from',
    `the first ${spotFrom - 1} task(s) on-demand and the rest on Spot: Slipway's mixed capacity keeps ${spotFrom - 1} on-demand and places tasks above it 1000:1 on Spot`,
    'capacity',
  );
  return { mixed: { base: spotFrom - 1, spotWeight: 1000 } };
}

/** One environment's task settings from the effective `count` of a web, backend or worker service. */
export function mapCount(count: unknown, kind: ServiceKind, rec: Recorder): Record<string, Printable> {
  const out: Record<string, Printable> = {};
  if (count === undefined || count === null) {
    Object.assign(out, { minTasks: 1, maxTasks: 1, capacity: 'on-demand' });
    rec.mapped('count', "not set: Copilot's default of one on-demand task", 'minTasks, maxTasks, capacity');
    return out;
  }
  if (typeof count === 'number') {
    Object.assign(out, { minTasks: count, maxTasks: Math.max(1, count), capacity: 'on-demand' });
    rec.mapped('count', `${count} on-demand task(s), no autoscaling`, 'minTasks, maxTasks, capacity');
    return out;
  }
  if (!isMap(count)) {
    rec.notMapped('count', 'not a number or a map');
    return out;
  }
  reportUnknown(
    count,
    [
      'spot',
      'range',
      'cooldown',
      'cpu_percentage',
      'memory_percentage',
      'requests',
      'response_time',
      'queue_delay',
    ],
    'count',
    rec.notMapped,
  );
  if (isMap(count.range))
    reportUnknown(count.range, ['min', 'max', 'spot_from'], 'count.range', rec.notMapped);
  if (typeof count.spot === 'number') {
    Object.assign(out, { minTasks: count.spot, maxTasks: Math.max(1, count.spot), capacity: 'spot' });
    rec.mapped('count.spot', `${count.spot} task(s) on Fargate Spot`, 'minTasks, maxTasks, capacity');
  }
  const r = range(count);
  if (r.min !== undefined && r.max !== undefined) {
    Object.assign(out, { minTasks: r.min, maxTasks: Math.max(1, r.max), capacity: 'on-demand' });
    rec.mapped('count.range', `${r.min}-${r.max} tasks`, 'minTasks, maxTasks');
    if (r.spotFrom !== undefined) out.capacity = spotCapacity(r.spotFrom, rec);
  } else if ('range' in count)
    rec.notMapped('count.range', `"${JSON.stringify(count.range)}" is not n-m or { min, max }`);
  scalingTargets(count, kind, rec, out);
  if (out.minTasks === undefined) Object.assign(out, { minTasks: 1, maxTasks: 1, capacity: 'on-demand' });
  return out;
}
