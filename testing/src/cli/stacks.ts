import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackInfo } from '@slipway/cli/src/synth/stacks.ts';

/**
 * A stack as the CLI's synth describes it, for tests that need one without a synth: dev's, in
 * account 111111111111 and us-east-1, with no template file (`/dev/null`) unless given.
 */
export function stackInfo(stackName: string, overrides: Partial<StackInfo> = {}): StackInfo {
  return {
    stackName,
    environment: 'dev',
    account: '111111111111',
    region: 'us-east-1',
    template: { Resources: {} },
    templatePath: '/dev/null',
    constructPath: stackName,
    dependencies: [],
    terminationProtection: false,
    ...overrides,
  };
}

/** `stackInfo` with its template written to `<dir>/<name>.template.json`: a checker reads the file. */
export function writtenStack(dir: string, stackName: string, resources: Record<string, unknown>): StackInfo {
  const templatePath = join(dir, `${stackName}.template.json`);
  writeFileSync(templatePath, JSON.stringify({ Resources: resources }));
  return stackInfo(stackName, { templatePath });
}
