/*
 * CDK's built-in CloudFormation validation as `plan` runs it, in a process of its own:
 *   - a template with a property of the wrong type is reported, under its stack and logical id;
 *   - a clean template reports nothing, and the rules cfn-lint's settings ignore are not reported;
 *   - the result is cached per template: the second run reads it (the process is not needed).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writtenStack } from '@slipway/testing/cli/stacks';
import { describe, expect, it } from 'vitest';
import { builtInValidation } from './cloudformation-validate.ts';

describe('the built-in CloudFormation validation', () => {
  it('reports a wrong property under its stack, nothing on a clean one, and caches both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-validate-'));
    const bad = writtenStack(dir, 'bad', {
      Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: { Nested: 'object' } } },
    });
    const clean = writtenStack(dir, 'clean', { Queue: { Type: 'AWS::SQS::Queue', Properties: {} } });
    const cache = join(dir, 'cache');
    const first = await builtInValidation([bad, clean], [], cache);
    expect(first.run.status).toBe('ran');
    expect(first.findings.length).toBeGreaterThan(0);
    for (const f of first.findings) {
      expect(f).toMatchObject({ checker: 'cloudformation-validate', stack: 'bad', where: 'Queue' });
    }
    const rules = [...new Set(first.findings.map((f) => f.rule))];
    const ignoring = await builtInValidation([bad, clean], rules, undefined);
    expect(ignoring.findings).toEqual([]);
    const second = await builtInValidation([bad, clean], [], cache);
    expect(second.run.status).toBe('cached');
    expect(second.findings).toEqual(first.findings);
  }, 120_000);
});
