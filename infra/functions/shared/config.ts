/**
 * Environment-variable parsing for the Lambda handlers.
 *
 * Every handler reads its configuration once, at cold start, through an {@link EnvReader}. The
 * reader collects every problem instead of stopping at the first, so one failed cold start tells
 * the operator everything that is wrong (one fix per deploy, not one per error). Each message names the variable, the
 * value received, what is allowed and how to fix it.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  readonly functionName: string;
  readonly problems: readonly string[];

  constructor(functionName: string, problems: readonly string[]) {
    super(
      `${functionName}: invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.functionName = functionName;
    this.problems = problems;
    this.name = 'ConfigError';
  }
}

export class EnvReader {
  private readonly problems: string[] = [];

  private readonly functionName: string;
  private readonly env: Env;

  constructor(functionName: string, env: Env) {
    this.functionName = functionName;
    this.env = env;
  }

  /** Records a problem that is not tied to a single parser below. */
  problem(message: string): void {
    this.problems.push(message);
  }

  private raw(name: string): string | undefined {
    const value = this.env[name];
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  requiredString(name: string, meaning: string): string {
    const value = this.raw(name);
    if (value === undefined) {
      this.problems.push(`${name}: missing; set it to ${meaning}`);
      return '';
    }
    return value;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  /** A whole number in [min, max]; `fallback` when unset. */
  integer(
    name: string,
    fallback: number | undefined,
    range: { min: number; max: number; unit: string },
  ): number {
    const value = this.raw(name);
    if (value === undefined) {
      if (fallback === undefined) {
        this.problems.push(
          `${name}: missing; set it to a whole number of ${range.unit} between ${range.min} and ${range.max}`,
        );
        return range.min;
      }
      return fallback;
    }
    if (!/^-?\d+$/.test(value)) {
      this.problems.push(
        `${name}: got "${value}"; expected a whole number of ${range.unit} between ${range.min} and ${range.max}`,
      );
      return fallback ?? range.min;
    }
    const n = Number(value);
    if (n < range.min || n > range.max) {
      this.problems.push(`${name}: got ${n}; allowed ${range.min}..${range.max} ${range.unit}`);
      return fallback ?? range.min;
    }
    return n;
  }

  /** Strictly `true` or `false` (case-insensitive); anything else is an error, never silently false. */
  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    this.problems.push(`${name}: got "${value}"; allowed "true" or "false"`);
    return fallback;
  }

  /** A comma-separated list; empty items are dropped. */
  list(name: string, fallback: readonly string[] | undefined, meaning: string): string[] {
    const value = this.raw(name);
    if (value === undefined) {
      if (fallback === undefined) {
        this.problems.push(`${name}: missing; set it to ${meaning} (comma-separated)`);
        return [];
      }
      return [...fallback];
    }
    const items = value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (items.length === 0) {
      this.problems.push(`${name}: got "${value}"; expected ${meaning} (comma-separated, at least one)`);
    }
    return items;
  }

  /** JSON, checked by `validate` (which returns a problem description or the parsed value). */
  json<T>(
    name: string,
    fallback: T,
    validate: (value: unknown) => { ok: true; value: T } | { ok: false; problem: string },
    example: string,
  ): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      this.problems.push(
        `${name}: not valid JSON (${(error as Error).message}); expected something like ${example}`,
      );
      return fallback;
    }
    const result = validate(parsed);
    if (!result.ok) {
      this.problems.push(`${name}: ${result.problem}; expected something like ${example}`);
      return fallback;
    }
    return result.value;
  }

  /** Throws a {@link ConfigError} listing every problem found so far. */
  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.functionName, this.problems);
  }
}
