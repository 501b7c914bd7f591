import type { ServiceKind } from './count.ts';
import type { Printable } from './print.ts';
import type { Manifest } from './read.ts';
import type { Recorder } from './report.ts';
import { convertSchedule } from './schedule.ts';
import { durationSeconds, isMap, reportUnknown } from './values.ts';

/* The fields particular to each Copilot type: `http` and `image.port`, `subscribe`, `on`/`retries`/`timeout`. */

/** Copilot's `http.path` (`'/'`, `'api'` or `'/api'`) as ALB path patterns, as its listener rule matches them. */
export function routePaths(path: string): string[] | undefined {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? undefined : [`/${trimmed}`, `/${trimmed}/*`];
}

const HTTP_NOT_MAPPED: Record<string, string> = {
  deregistration_delay:
    'Slipway sets it per environment for every service (environments.<env>.service.deregistrationDelaySeconds, default 10 s rolling, 5 s otherwise)',
  stickiness: 'Slipway does not turn on ALB sticky sessions; keep session state outside the task',
  allowed_source_ips: 'Slipway serves through CloudFront with WAF; restrict clients with WAF rules',
  redirect_to_https: 'Slipway serves HTTPS through CloudFront and redirects HTTP itself',
  version: 'Slipway forwards HTTP/1.1 to the task; gRPC and HTTP/2 to the target are not available',
  target_container: 'Slipway runs one container per task, which receives the traffic',
  target_port: 'the container receives traffic on its port (image.port)',
  additional_rules:
    'Slipway gives each web service one route; split the other paths into their own web services',
  alb: 'Slipway creates its own load balancer; an imported ALB is not used',
  hosted_zone: "the environment's domain.zone holds the records",
  private: 'a Slipway backend is reached through Cloud Map, without an internal load balancer',
};

/** `http` and `image.port` of a web or backend service. */
export function mapHttp(
  m: Manifest,
  kind: ServiceKind,
  service: Record<string, Printable>,
  rec: Recorder,
): void {
  const img = isMap(m.image) ? m.image : {};
  if (typeof img.port === 'number') {
    service.port = img.port;
    rec.mapped('image.port', 'the port the container listens on', 'port');
  } else
    rec.approximated(
      'image.port',
      `not set: Copilot gave the ${kind} no port; Slipway's ${kind} answers HTTP on 3000 unless port says otherwise`,
      'port',
    );
  const http = m.http;
  if (http === false) {
    rec.notMapped(
      'http',
      'http: false (NLB only) has no Slipway equivalent: a web service is behind the ALB',
    );
    return;
  }
  const h = isMap(http) ? http : {};
  const hc = h.healthcheck;
  const path = typeof hc === 'string' ? hc : isMap(hc) && typeof hc.path === 'string' ? hc.path : undefined;
  service.healthPath = path ?? '/';
  if (path) rec.mapped('http.healthcheck', 'the path the load balancer checks', 'healthPath');
  else if (kind === 'web') rec.mapped('http.healthcheck', "not set: Copilot's default /", 'healthPath');
  if (isMap(hc)) {
    const rest = Object.keys(hc).filter((k) => k !== 'path');
    if (rest.length > 0)
      rec.approximated(
        `http.healthcheck.${rest.join('/')}`,
        "Slipway's target group uses its own fast-deploy timings and accepts 200-399",
      );
  }
  if (kind === 'web') {
    service.readyPath = service.healthPath;
    rec.approximated(
      'http.healthcheck',
      "Slipway's deploy smoke test asks readyPath (/ready by default); set to the health path, as a Copilot app may have no readiness endpoint",
      'readyPath',
    );
    if (typeof h.path === 'string') {
      const paths = routePaths(h.path);
      if (paths) service.route = { paths };
      rec.mapped(
        'http.path',
        paths
          ? `the listener rule's paths ${paths.join(' and ')}`
          : "/ takes every request no other route matches: Slipway's default web service",
        paths ? 'route.paths' : undefined,
      );
    }
    if ('alias' in h)
      rec.approximated(
        'http.alias',
        "Slipway names an environment once (environments.<env>.domain), served by CloudFront: the default web service's first alias becomes it; other web services share that name and are told apart by path",
      );
  } else if ('path' in h)
    rec.approximated(
      'http.path',
      'a Slipway backend has no internal load balancer; callers use its whole address',
    );
  for (const key of Object.keys(h).filter((k) => !['healthcheck', 'path', 'alias'].includes(k)))
    rec.notMapped(`http.${key}`, HTTP_NOT_MAPPED[key] ?? 'not a field Slipway has an equivalent for');
}

/** `subscribe` of a worker: its own queue's settings; the topic subscriptions do not exist in Slipway. */
export function mapWorker(m: Manifest, service: Record<string, Printable>, rec: Recorder): void {
  const sub = isMap(m.subscribe) ? m.subscribe : {};
  const queue: Record<string, Printable> = {};
  const topics = Array.isArray(sub.topics) ? sub.topics : [];
  for (const t of topics) {
    const name = isMap(t) ? `${String(t.service)}/${String(t.name)}` : String(t);
    rec.notMapped(
      `subscribe.topics[${name}]`,
      `Slipway has no SNS topics: the worker reads its own queue (QUEUE_URL). The publisher lists this worker in calls (added) and sends to <WORKER>_QUEUE_URL instead of publishing to ${name}${isMap(t) && ('filter_policy' in t || 'queue' in t) ? '; filter policies and topic queues have no equivalent: filter in the worker' : ''}`,
    );
  }
  const q = isMap(sub.queue) ? sub.queue : {};
  reportUnknown(sub, ['topics', 'queue'], 'subscribe', rec.notMapped);
  reportUnknown(
    q,
    ['retention', 'timeout', 'dead_letter', 'delay', 'fifo'],
    'subscribe.queue',
    rec.notMapped,
  );
  const retention = durationSeconds(q.retention);
  if (retention !== undefined) {
    const days = Math.min(14, Math.max(1, Math.round(retention / 86400)));
    queue.retentionDays = days;
    (days * 86400 === retention ? rec.mapped : rec.approximated)(
      'subscribe.queue.retention',
      `${days} day(s) (Slipway counts whole days, 1-14)`,
      'queue.retentionDays',
    );
  }
  const timeout = durationSeconds(q.timeout);
  queue.visibilityTimeoutSeconds = timeout ?? 30;
  rec.mapped(
    'subscribe.queue.timeout',
    timeout === undefined ? "not set: Copilot's 30 s visibility timeout" : 'visibility timeout',
    'queue.visibilityTimeoutSeconds',
  );
  const tries = isMap(q.dead_letter) ? q.dead_letter.tries : undefined;
  if (typeof tries === 'number') {
    queue.maxReceiveCount = tries;
    rec.mapped(
      'subscribe.queue.dead_letter.tries',
      'receives before the dead-letter queue',
      'queue.maxReceiveCount',
    );
  } else
    rec.approximated(
      'subscribe.queue.dead_letter',
      'not set: Copilot kept no dead-letter queue; Slipway always has one (a message moves there after 5 receives)',
    );
  for (const key of ['delay', 'fifo'].filter((k) => k in q))
    rec.notMapped(
      `subscribe.queue.${key}`,
      key === 'fifo'
        ? "Slipway's worker queue is a standard queue; make the worker idempotent and order-independent"
        : 'Slipway delivers messages without a queue delay; delay when sending (DelaySeconds)',
    );
  service.queue = queue;
}

/** `on.schedule`, `retries` and `timeout` of a Scheduled Job (internal/pkg/manifest/job.go). */
export function mapJob(
  m: Manifest,
  service: Record<string, Printable>,
  settings: Record<string, Printable>,
  rec: Recorder,
): void {
  if (!service.command) {
    service.command = ['TODO-the-command-the-image-runs'];
    rec.approximated(
      'command',
      "not set: Copilot ran the image's CMD; a Slipway job names its command: replace the placeholder with the CMD",
    );
  }
  const on = isMap(m.on) ? m.on : {};
  reportUnknown(on, ['schedule'], 'on', rec.notMapped);
  const s = convertSchedule(String(on.schedule ?? ''));
  if (s.kind === 'expression') {
    service.schedule = s.expression;
    rec.mapped('on.schedule', `"${String(on.schedule)}" is ${s.expression} (UTC)`, 'schedule');
  } else {
    service.schedule = 'rate(1 day)';
    settings.enabled = false;
    if (s.kind === 'none')
      rec.mapped('on.schedule', '"none": the schedule is off here (enabled: false)', 'enabled');
    else rec.notMapped('on.schedule', `${s.reason}; the schedule is off here until you set one`);
  }
  const retries = typeof m.retries === 'number' ? m.retries : 0;
  service.retries = Math.min(10, retries);
  if (retries > 10)
    rec.approximated('retries', `Slipway retries a run at most 10 times; ${retries} became 10`, 'retries');
  else
    rec.mapped(
      'retries',
      typeof m.retries === 'number'
        ? `${retries} retries`
        : "not set: Copilot's default of no retry (Slipway's own default is 2)",
      'retries',
    );
  const seconds = durationSeconds(m.timeout);
  if (seconds !== undefined) {
    const minutes = Math.min(2880, Math.max(1, Math.ceil(seconds / 60)));
    service.timeoutMinutes = minutes;
    (minutes * 60 === seconds ? rec.mapped : rec.approximated)(
      'timeout',
      `${minutes} minute(s) (Slipway counts whole minutes, up to 2880)`,
      'timeoutMinutes',
    );
  } else
    rec.approximated(
      'timeout',
      'not set: Copilot let a run go on without limit; Slipway stops it after 60 minutes unless timeoutMinutes says otherwise',
    );
}
