import { gunzipSync } from 'node:zlib';
import type { Template } from 'aws-cdk-lib/assertions';

/*
 * For tests: every metric an observability stack's template queries, read back from what
 * CloudFormation gets (the CloudWatch dashboard body, the alarms, the Grafana dashboards the task
 * definition carries), with dimension values still CloudFormation expressions (`{ Ref: … }`).
 */

/** A metric as queried: namespace, name and dimension values (still CloudFormation expressions). */
export interface QueriedMetric {
  /** Where it is shown: `dashboard "<title>"`, `alarm <name>`, `Grafana "<title>" panel "<title>"`. */
  readonly where: string;
  /** The dashboard section (CloudWatch: the text widget above; Grafana: the row) it is in. */
  readonly section?: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, unknown>;
}

type Json = Record<string, unknown>;

/**
 * Parses a JSON document CloudFormation assembles with Fn::Join, keeping each non-literal part as
 * a `__TOKEN_<n>__` placeholder; `tokens` maps the placeholders back.
 */
export function parseJoined(value: unknown): { doc: unknown; tokens: Map<string, unknown> } {
  const tokens = new Map<string, unknown>();
  if (typeof value === 'string') return { doc: JSON.parse(value), tokens };
  const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = join[1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const key = `__TOKEN_${tokens.size}__`;
      tokens.set(key, part);
      return key;
    })
    .join(join[0]);
  return { doc: JSON.parse(text), tokens };
}

function detoken(value: unknown, tokens: Map<string, unknown>): unknown {
  return typeof value === 'string' && tokens.has(value) ? tokens.get(value) : value;
}

/** The CloudWatch dashboard's widgets, in order, with their metrics. */
export function dashboardMetrics(observability: Template): QueriedMetric[] {
  const [dashboard] = Object.values(observability.findResources('AWS::CloudWatch::Dashboard')) as {
    Properties: { DashboardBody: unknown };
  }[];
  if (!dashboard) throw new Error('no dashboard');
  const { doc, tokens } = parseJoined(dashboard.Properties.DashboardBody);
  type Widget = { type: string; properties: { title?: string; markdown?: string; metrics?: unknown[][] } };
  let section: string | undefined;
  return (doc as { widgets: Widget[] }).widgets.flatMap((w) => {
    if (w.type === 'text') section = w.properties.markdown?.replace(/^#+\s*/, '');
    return (w.properties.metrics ?? []).map((m) => {
      const parts = m.filter((p) => typeof p === 'string') as string[];
      const [namespace = '', metricName = '', ...pairs] = parts;
      const dimensions: Record<string, unknown> = {};
      for (let i = 0; i + 1 < pairs.length; i += 2)
        dimensions[pairs[i] as string] = detoken(pairs[i + 1], tokens);
      return { where: `dashboard "${w.properties.title}"`, section, namespace, metricName, dimensions };
    });
  });
}

/** The alarms' metrics (single-metric alarms and the metrics of math expressions). */
export function alarmMetrics(observability: Template): QueriedMetric[] {
  type Dim = { Name: string; Value: unknown };
  type Stat = { Metric: { Namespace: string; MetricName: string; Dimensions: Dim[] } };
  type Props = {
    AlarmName: string;
    Namespace?: string;
    MetricName?: string;
    Dimensions?: Dim[];
    Metrics?: { MetricStat?: Stat }[];
  };
  const alarms = observability.findResources('AWS::CloudWatch::Alarm') as Record<
    string,
    { Properties: Props }
  >;
  const dims = (list: Dim[] = []) => Object.fromEntries(list.map((d) => [d.Name, d.Value]));
  return Object.values(alarms).flatMap(({ Properties: p }) => {
    const where = `alarm ${p.AlarmName}`;
    if (p.MetricName && p.Namespace)
      return [{ where, namespace: p.Namespace, metricName: p.MetricName, dimensions: dims(p.Dimensions) }];
    return (p.Metrics ?? []).flatMap((m) =>
      m.MetricStat
        ? [
            {
              where,
              namespace: m.MetricStat.Metric.Namespace,
              metricName: m.MetricStat.Metric.MetricName,
              dimensions: dims(m.MetricStat.Metric.Dimensions),
            },
          ]
        : [],
    );
  });
}

type Container = { Name: string; Command: string[]; Environment?: { Name: string; Value: unknown }[] };

/** The Grafana container of an observability stack, if it has Grafana. */
export function grafanaContainer(observability: Template): Container | undefined {
  const tasks = Object.values(observability.findResources('AWS::ECS::TaskDefinition')) as {
    Properties: { ContainerDefinitions: Container[] };
  }[];
  return tasks.flatMap((t) => t.Properties.ContainerDefinitions).find((c) => c.Name === 'grafana');
}

/**
 * The dashboards the start script writes from a service type's template: the template decoded and
 * each placeholder replaced by its literal or by a `__TOKEN_<n>__` for the variable's value.
 */
export function serviceDashboards(
  container: Container,
): { path: string; doc: unknown; tokens: Map<string, unknown> }[] {
  const env = new Map((container.Environment ?? []).map((e) => [e.Name, e.Value]));
  const lines = (container.Command[0] ?? '').split('\n');
  return lines.flatMap((line) => {
    const match = /^printf '%s' "\$(\w+)" \| base64 -d \| gunzip \| sed (.*) > '([^']+)'$/.exec(line);
    if (!match) return [];
    const [, templateVariable = '', substitutions = '', path = ''] = match;
    let text = gunzipSync(Buffer.from(String(env.get(templateVariable)), 'base64')).toString('utf8');
    const tokens = new Map<string, unknown>();
    for (const m of substitutions.matchAll(/-e ['"]s\|(__SLIPWAY_\w+__)\|(?:\$(\w+)|([^|]*))\|g['"]/g)) {
      const [, placeholder = '', variable, literal = ''] = m;
      if (variable === undefined) {
        text = text.replaceAll(placeholder, literal);
        continue;
      }
      const key = `__TOKEN_${tokens.size}__`;
      tokens.set(key, env.get(variable));
      text = text.replaceAll(placeholder, key);
    }
    return [{ path, doc: JSON.parse(text), tokens }];
  });
}

/** The Grafana dashboards as provisioned: the JSON files the task definition carries. */
export function grafanaMetrics(observability: Template): QueriedMetric[] {
  const grafana = grafanaContainer(observability);
  if (!grafana) return [];
  const documents = (grafana.Environment ?? []).flatMap((variable) => {
    if (!variable.Name.startsWith('SLIPWAY_PROVISION_')) return [];
    const raw = variable.Value;
    const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
    return text.includes('"panels') ? [parseJoined(raw)] : [];
  });
  return [...documents, ...serviceDashboards(grafana)].flatMap(({ doc, tokens }) =>
    grafanaDashboardMetrics(doc, tokens),
  );
}

function grafanaDashboardMetrics(doc: unknown, tokens: Map<string, unknown>): QueriedMetric[] {
  const dashboard = doc as {
    title: string;
    templating: { list: { name: string; query: unknown }[] };
    panels: {
      title: string;
      type: string;
      targets?: { namespace: string; metricName: string; dimensions: Json }[];
    }[];
  };
  const vars = new Map(dashboard.templating.list.map((v) => [`$${v.name}`, detoken(v.query, tokens)]));
  const result: QueriedMetric[] = [];
  let section: string | undefined;
  for (const panel of dashboard.panels) {
    if (panel.type === 'row') section = panel.title;
    for (const target of panel.targets ?? []) {
      const dimensions = Object.fromEntries(
        Object.entries(target.dimensions).map(([k, v]) => [
          k,
          vars.has(v as string) ? vars.get(v as string) : v,
        ]),
      );
      result.push({
        where: `Grafana "${dashboard.title}" panel "${panel.title}"`,
        section: section?.replace(/\$service_name/, String(vars.get('$service_name'))),
        namespace: target.namespace,
        metricName: target.metricName,
        dimensions,
      });
    }
  }
  return result;
}

/** The SSM parameter a dimension value reads, through the stack's template parameter; undefined for a literal. */
export function parameterOf(observability: Json, value: unknown): string | undefined {
  const ref = (value as { Ref?: string } | undefined)?.Ref;
  const parameters = (observability.Parameters ?? {}) as Record<string, { Default?: string }>;
  return ref ? parameters[ref]?.Default : undefined;
}
