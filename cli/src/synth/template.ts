/** The parts of a synthesized CloudFormation template the CLI reads. */
export interface Template {
  readonly Parameters?: Record<string, { Type: string; Default?: unknown; Description?: string }>;
  readonly Resources?: Record<string, Resource>;
  readonly Conditions?: Record<string, unknown>;
  readonly Outputs?: Record<string, unknown>;
}

export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly DependsOn?: string | string[];
  readonly Metadata?: Record<string, unknown>;
  readonly Condition?: string;
}

export interface NamedResource extends Resource {
  readonly logicalId: string;
}

/** Resources of one CloudFormation type (or all), with their logical ids, in template order. */
export function resourcesOf(template: Template, type?: string): NamedResource[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => type === undefined || r.Type === type)
    .map(([logicalId, r]) => ({ ...r, logicalId }));
}

/** The logical id a `{Ref}` or `{Fn::GetAtt}` points at, if the value is one. */
export function referencedId(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return v.Ref;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

/** Every logical id (resource or parameter) referenced anywhere inside a value. */
export function referencesIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencesIn(v, out);
  } else if (value && typeof value === 'object') {
    const id = referencedId(value);
    if (id && !id.startsWith('AWS::')) out.add(id);
    const sub = (value as Record<string, unknown>)['Fn::Sub'];
    if (typeof sub === 'string')
      for (const m of sub.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}/g)) out.add(m[1] ?? '');
    for (const v of Object.values(value)) referencesIn(v, out);
  }
  return out;
}

/**
 * A property value as a number. `{Fn::If: [cond, a, b]}` resolves to `a`: the templates use it for
 * "once an image is deployed" (`HasImage`), which is the steady state the models describe.
 */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (value && typeof value === 'object') {
    const branches = (value as Record<string, unknown>)['Fn::If'];
    if (Array.isArray(branches)) return numberOf(branches[1]);
  }
  return undefined;
}

/** A string property, or undefined when it is an intrinsic. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `Key`/`Value` attribute lists (target group and load balancer attributes) as a map. */
export function attributes(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    const { Key, Value } = (item ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof Key === 'string' && Value !== undefined) out[Key] = String(Value);
  }
  return out;
}

/** The construct path CDK records on a resource, without the stack name. */
export function constructPath(resource: Resource): string | undefined {
  const path = resource.Metadata?.['aws:cdk:path'];
  return typeof path === 'string' ? path.split('/').slice(1).join('/') : undefined;
}

/** A readable name for a resource: its logical id without CDK's 8-hex-digit hash suffix. */
export function shortName(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}$/, '') || logicalId;
}

/** The SSM parameter names a template reads as deploy-time parameters, by parameter logical id. */
export function ssmReads(template: Template): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, p] of Object.entries(template.Parameters ?? {})) {
    if (p.Type.startsWith('AWS::SSM::Parameter::Value') && typeof p.Default === 'string') {
      if (!p.Default.startsWith('/cdk-bootstrap/')) out.set(id, p.Default);
    }
  }
  return out;
}

/** The SSM parameter names a template writes (`AWS::SSM::Parameter` with a literal name), by logical id. */
export function ssmWrites(template: Template): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of resourcesOf(template, 'AWS::SSM::Parameter')) {
    const name = stringOf(r.Properties?.Name);
    if (name) out.set(r.logicalId, name);
  }
  return out;
}
