import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

// A file a person can read in one sitting: at most 400 lines per source file and 80 lines per
// function. Tests are exempt (a table of cases reads fine at any length); everything else under
// the workspaces and the scripts is checked by scripts/quality/readable.test.ts.

/** Longest non-test TypeScript file, in lines. */
export const MAX_FILE_LINES = 400;
/** Longest function (declaration, method, arrow, constructor, accessor), in lines. */
export const MAX_FUNCTION_LINES = 80;
/** Top-level folders whose TypeScript is checked. */
export const CHECKED_ROOTS = ['config', 'app', 'infra', 'cli', 'scripts', 'bench'] as const;

/** One file or function that is too long. */
export interface Finding {
  /** Repository-relative path with forward slashes. */
  file: string;
  /** The function's name, or undefined when the whole file is too long. */
  fn?: string;
  /** 1-based line where the file or function starts. */
  line: number;
  /** Length in lines. */
  lines: number;
}

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'cdk.out', '.data', 'coverage']);

/**
 * True for files the limits apply to: TypeScript that is not a test, a declaration file or test
 * support (a `testing/` folder, which only tests import).
 */
export function isChecked(path: string): boolean {
  return (
    path.endsWith('.ts') &&
    !path.endsWith('.d.ts') &&
    !/\.(test|spec)\.ts$/.test(path) &&
    !path.split('/').includes('testing')
  );
}

/** Every checked TypeScript file under `roots` (relative to `repoRoot`), repository-relative. */
export function listSources(repoRoot: string, roots: readonly string[] = CHECKED_ROOTS): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // a root that does not exist in this checkout has nothing to check
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      const path = relative(repoRoot, full).split(sep).join('/');
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(full);
      } else if (isChecked(path)) {
        found.push(path);
      }
    }
  };
  for (const root of roots) walk(join(repoRoot, root));
  return found.sort();
}

function functionName(node: ts.Node, source: ts.SourceFile): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (ts.isConstructorDeclaration(node)) {
    const owner = node.parent as ts.ClassLikeDeclaration;
    return `${owner.name?.getText(source) ?? '(class)'}.constructor`;
  }
  if (named.name) return named.name.getText(source);
  // An arrow or function expression takes the name of what it is assigned to, if anything.
  const parent = node.parent;
  if (
    (ts.isVariableDeclaration(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isPropertyDeclaration(parent)) &&
    parent.name
  ) {
    return parent.name.getText(source);
  }
  return '(anonymous)';
}

function isFunctionLike(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** Findings for one file's text: the file itself if too long, and each function that is too long. */
export function checkSource(file: string, text: string): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lineOf = (pos: number): number => source.getLineAndCharacterOfPosition(pos).line + 1;
  const findings: Finding[] = [];
  const fileLines = text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
  if (fileLines > MAX_FILE_LINES) findings.push({ file, line: 1, lines: fileLines });
  const visit = (node: ts.Node): void => {
    if (isFunctionLike(node) && node.body) {
      // From the signature (after leading doc comments) to the closing brace.
      const start = lineOf(node.getStart(source));
      const lines = lineOf(node.getEnd()) - start + 1;
      if (lines > MAX_FUNCTION_LINES)
        findings.push({ file, fn: functionName(node, source), line: start, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

/** Findings for every checked file under the repository, minus the `exempt` paths. */
export function checkRepository(repoRoot: string, exempt: readonly string[] = []): Finding[] {
  return listSources(repoRoot)
    .filter((file) => !exempt.includes(file))
    .flatMap((file) => checkSource(file, readFileSync(join(repoRoot, file), 'utf8')));
}

/** One line per finding, naming the limit it breaks. */
export function describe(finding: Finding): string {
  return finding.fn === undefined
    ? `${finding.file}: ${finding.lines} lines (a file may have at most ${MAX_FILE_LINES})`
    : `${finding.file}:${finding.line} ${finding.fn}: ${finding.lines} lines (a function may have at most ${MAX_FUNCTION_LINES})`;
}

// `npx tsx scripts/quality/readable.ts` lists every finding without exemptions.
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = new URL('../..', import.meta.url).pathname;
  for (const finding of checkRepository(root)) console.log(describe(finding));
}
