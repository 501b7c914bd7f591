import { readdirSync, readFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The AWS Control Tower proactive controls as cfn-guard rules, and the cfn-guard binary that
// evaluates them, both as @cdklabs/cdk-validator-cfnguard ships them (one `.guard` file per
// control: `ct-s3-pr-9.guard` is control CT.S3.PR.9). Its own CfnGuardValidator plugin is not used:
// its reader of cfn-guard's output throws on some results (a known bug of the package, still open;
// here the Lambda-in-a-VPC control on a function whose subnets come from parameters), and it
// evaluates all 237 rules on every template. runGuard (guard.ts) reads the output itself.

const PACKAGE_DIR = dirname(
  fileURLToPath(import.meta.resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
);
const RULES_DIR = join(PACKAGE_DIR, 'rules', 'control-tower', 'cfn-guard');

/** One proactive control. */
export interface ControlRule {
  /** The control id Control Tower uses: `CT.S3.PR.9`. */
  readonly control: string;
  /** The cfn-guard rule name in the file: `s3_bucket_object_lock_enabled_check`. */
  readonly ruleName: string;
  /**
   * The resource types the rule's code names (the type it reports on, and any it follows a
   * reference to): a template with none of them makes the rule skip.
   */
  readonly resourceTypes: readonly string[];
  /**
   * The resource types the rule reports on (those its hook form is registered for): a template
   * with none of them makes the rule skip, whatever else it names.
   */
  readonly reportsOn: readonly string[];
  /** The control's one-line description. */
  readonly description: string;
  /** How to comply, as the rule says. */
  readonly fix: string;
  /** Absolute path of the `.guard` file. */
  readonly file: string;
}

/** `ct-elasticloadbalancing-pr-1.guard` → `CT.ELASTICLOADBALANCING.PR.1`. */
export function controlId(fileName: string): string {
  return fileName
    .replace(/\.guard$/, '')
    .toUpperCase()
    .replaceAll('-', '.');
}

/** Reads one rule file: its primary rule name, the resource types its code names, its message. */
export function parseRule(file: string, text: string): ControlRule {
  const name = file.split('/').pop() ?? file;
  const ruleName = /^rule (\w+) when/m.exec(text)?.[1];
  if (!ruleName) throw new Error(`${file}: no primary rule (\`rule <name> when …\`) found`);
  const code = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  const resourceTypes = [...new Set(code.match(/AWS::\w+::\w+/g) ?? [])];
  if (resourceTypes.length === 0) throw new Error(`${file}: the rule names no resource type`);
  // `let SQS_QUEUE_TYPE = "AWS::SQS::Queue"` … `is_cfn_hook(%INPUT_DOCUMENT, %SQS_QUEUE_TYPE)`.
  const types = new Map([...code.matchAll(/^let (\w+)\s*=\s*"(AWS::\w+::\w+)"/gm)].map((m) => [m[1], m[2]]));
  const hooked = [...code.matchAll(/is_cfn_hook\(%INPUT_DOCUMENT,\s*%(\w+)\)/g)].map((m) =>
    types.get(m[1] ?? ''),
  );
  const reportsOn = [...new Set(hooked.filter((t): t is string => t !== undefined))];
  const message = /<<\s*\n\s*\[CT\.[^\]]+\]:\s*(.*)\n\s*\[FIX\]:\s*(.*)\n/.exec(text);
  return {
    control: controlId(name),
    ruleName,
    resourceTypes,
    // A rule written some other way is given every template that names one of its types.
    reportsOn: reportsOn.length > 0 ? reportsOn : resourceTypes,
    description: message?.[1]?.trim() ?? ruleName,
    fix: message?.[2]?.trim() ?? '',
    file,
  };
}

let catalog: ControlRule[] | undefined;

/** Every bundled Control Tower rule, read once per process. */
export function controlTowerRules(): readonly ControlRule[] {
  catalog ??= readdirSync(RULES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(RULES_DIR, d.name))
        .filter((f) => f.endsWith('.guard'))
        .map((f) => join(RULES_DIR, d.name, f)),
    )
    .sort()
    .map((file) => parseRule(file, readFileSync(file, 'utf8')));
  return catalog;
}

/** The rules that report on at least one of the given resource types (the others would skip). */
export function rulesFor(resourceTypes: Iterable<string>): ControlRule[] {
  const present = new Set(resourceTypes);
  return controlTowerRules().filter((r) => r.reportsOn.some((t) => present.has(t)));
}

/** The cfn-guard binary the package ships for this machine (Linux or macOS, x64 or arm64). */
export function guardBinary(): string {
  const os = platform() === 'linux' ? 'ubuntu' : platform() === 'darwin' ? 'macos' : undefined;
  const cpu = arch() === 'x64' ? 'x86_64' : arch() === 'arm64' ? 'aarch64' : undefined;
  if (!os || !cpu) throw new Error(`cfn-guard: no bundled binary for ${platform()}/${arch()}`);
  return join(PACKAGE_DIR, 'bin', os, cpu, 'cfn-guard');
}

let versions: string | undefined;

/** The package's version and the cfn-guard version it bundles (`0.0.62, cfn-guard 3.1.1`), read once per process. */
export function rulesVersion(): string {
  if (versions) return versions;
  const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string };
  const guard = JSON.parse(readFileSync(join(PACKAGE_DIR, 'guard-version.json'), 'utf8')) as {
    version: string;
  };
  versions = `${pkg.version}, cfn-guard ${guard.version}`;
  return versions;
}
