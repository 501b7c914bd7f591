/*
 * The generated environment diagrams, on the shipped config's templates:
 *   - each parses with the mermaid release GitHub renders Markdown with (pinned in
 *     testing/package.json), as a flowchart
 *   - no label starts like a Markdown list or holds a code span (mermaid 11 renders labels as
 *     Markdown, which the parse alone does not catch)
 *   - the architecture reads left to right: Internet → load balancer → service → database
 *   - monitoring sits in its own subgraph; the SSM wiring is one node with its count, no edges
 *   - the diagram stays small enough to read (nodes and edges counted)
 */
import { shippedAssembly } from '@slipway/testing/cli/fixtures';
import { GITHUB_MERMAID_VERSION, parseMermaid } from '@slipway/testing/mermaid';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, stacksOf } from '../synth/synthesize.ts';
import { mermaid } from './mermaid.ts';

const ENVIRONMENTS = ['dev', 'test', 'staging', 'prod'];
let synthesized: Synthesized;

beforeAll(async () => {
  synthesized = await shippedAssembly();
});

const diagram = (env: string) => mermaid(stacksOf(synthesized, env));
const edges = (source: string) => source.split('\n').filter((l) => /-->|-\.->/.test(l));
/** The node id whose label starts with `text`. */
const nodeId = (source: string, text: string) =>
  new RegExp(`^\\s*(\\w+)[\\[(]+"${text}`, 'm').exec(source)?.[1] ?? `<no node "${text}">`;

describe('the environment diagram', () => {
  it.each(ENVIRONMENTS)('%s parses with the mermaid release GitHub renders', async (env) => {
    const parsed = await parseMermaid(diagram(env));
    expect(parsed.version).toBe(GITHUB_MERMAID_VERSION);
    expect(parsed.diagramType).toBe('flowchart-v2');
  });

  it('fails the parse check on broken source (the check can fail)', async () => {
    await expect(parseMermaid('flowchart LR\n  a["unclosed --> b')).rejects.toThrow(/Parse error/);
  });

  it.each(ENVIRONMENTS)(
    '%s has no label mermaid 11 would render as Markdown (a list, a code span)',
    (env) => {
      const labels = [...diagram(env).matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '');
      expect(labels.filter((l) => /^\d+\.\s|`/.test(l))).toEqual([]);
    },
  );

  it.each(ENVIRONMENTS)('%s reads Internet → CloudFront → load balancer → service → database', (env) => {
    const source = diagram(env);
    const cloudFront = nodeId(source, 'CloudFront');
    const alb = nodeId(source, 'ALB internal');
    const web = nodeId(source, 'ECS service Web');
    const db = nodeId(source, 'RDS');
    const entry = source.includes('"WAF web ACL"') ? nodeId(source, 'WAF web ACL') : cloudFront;
    expect(edges(source)).toEqual(
      expect.arrayContaining([
        `  internet --> ${entry}`,
        `  ${cloudFront} --> ${alb}`,
        `  ${alb} --> ${web}`,
        `  ${web} --> ${db}`,
      ]),
    );
    // The load balancer is internal: the internet reaches it only through CloudFront.
    expect(edges(source)).not.toContain(`  internet --> ${alb}`);
  });

  it.each(ENVIRONMENTS)('%s keeps monitoring apart and summarises the SSM wiring in one node', (env) => {
    const source = diagram(env);
    const monitoring = /subgraph monitoring[\s\S]*?\n {2}end/.exec(source)?.[0] ?? '';
    const services = /subgraph services[\s\S]*?\n {2}end/.exec(source)?.[0] ?? '';
    // Grafana runs where the config asks for it (not in test); where it runs, it is monitoring.
    if (source.includes('ECS service Grafana')) expect(monitoring).toContain('ECS service Grafana');
    expect(services).not.toContain('Grafana');
    expect(monitoring).toMatch(/\d+ CloudWatch alarms/);
    expect(source).toMatch(/ssm\[\["SSM parameters \(\d+\)/);
    expect(edges(source).filter((e) => /ssm|SSM/.test(e))).toEqual([]);
  });

  it.each(ENVIRONMENTS)('%s stays small enough to read: at most 25 nodes and 20 edges', (env) => {
    const source = diagram(env);
    const nodes = source.split('\n').filter((l) => /^\s+\w+(\[|\(|\(\()/.test(l) && !l.includes('subgraph'));
    expect(nodes.length).toBeLessThanOrEqual(25);
    expect(edges(source).length).toBeLessThanOrEqual(20);
  });
});
