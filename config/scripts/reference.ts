/**
 * Generates `docs/reference/config.md`: every key of `slipway.config.ts` with its type, summary and
 * default, read from the doc comments on the schema through the TypeScript type checker (the same
 * text an editor shows on hover), so the page cannot say something the schema does not.
 *
 *   npx tsx config/scripts/reference.ts           write the page
 *   npx tsx config/scripts/reference.ts --check   exit 1 when the page is stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const TYPES = fileURLToPath(new URL('../src/types.ts', import.meta.url));
export const REFERENCE_PAGE = fileURLToPath(new URL('../../docs/reference/config.md', import.meta.url));

interface Row {
  readonly path: string;
  readonly type: string;
  readonly summary: string;
  readonly defaultValue: string;
}

/** The rows for every key under the named exported type, depth first in declaration order. */
export function collectRows(typeName: string, prefix: string): Row[] {
  const program = ts.createProgram([TYPES], {
    strict: true,
    allowImportingTsExtensions: true,
    noEmit: true,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2023,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(TYPES);
  if (!source) throw new Error(`cannot read ${TYPES}`);
  const module = checker.getSymbolAtLocation(source);
  const symbol = module && checker.getExportsOfModule(module).find((s) => s.name === typeName);
  if (!symbol) throw new Error(`type ${typeName} is not exported from ${TYPES}`);
  const rows: Row[] = [];
  walk(checker, checker.getDeclaredTypeOfSymbol(symbol), prefix, rows, new Set());
  return mergeRows(rows);
}

/**
 * One row per key: the members of a union (the service types) share most keys, so a key listed
 * again joins its types and adds its summary where that says something new.
 */
function mergeRows(rows: Row[]): Row[] {
  const byPath = new Map<string, Row>();
  for (const row of rows) {
    const seen = byPath.get(row.path);
    if (!seen) {
      byPath.set(row.path, row);
      continue;
    }
    const types = new Set([...seen.type.split(' | '), ...row.type.split(' | ')]);
    const summary = seen.summary.includes(row.summary) ? seen.summary : `${seen.summary} ${row.summary}`;
    byPath.set(row.path, { ...seen, type: [...types].join(' | '), summary });
  }
  return [...byPath.values()];
}

function walk(checker: ts.TypeChecker, type: ts.Type, path: string, rows: Row[], seen: Set<ts.Type>): void {
  if (seen.has(type)) return;
  const next = new Set(seen).add(type);
  for (const member of objectMembers(checker, type)) {
    const index = checker.getIndexTypeOfType(member, ts.IndexKind.String);
    if (index && checker.getPropertiesOfType(member).length === 0) {
      walk(checker, index, `${path}.<name>`, rows, next);
      continue;
    }
    for (const property of checker.getPropertiesOfType(member)) {
      const propertyType = checker.getNonNullableType(checker.getTypeOfSymbol(property));
      const key = path ? `${path}.${property.name}` : property.name;
      const tags = property.getJsDocTags(checker);
      const tag = (name: string) =>
        tags
          .find((t) => t.name === name)
          ?.text?.map((p) => p.text)
          .join('') ?? '';
      rows.push({
        path: key,
        type: describeType(checker, propertyType),
        summary: ts.displayPartsToString(property.getDocumentationComment(checker)).split('\n\n')[0] ?? '',
        defaultValue: tag('default'),
      });
      walk(checker, propertyType, key, rows, next);
    }
  }
}

/** The object-shaped members of a type: itself, the members of a union, the element of an array. */
function objectMembers(checker: ts.TypeChecker, type: ts.Type): ts.ObjectType[] {
  const parts = type.isUnion() ? type.types : [type];
  return parts.flatMap((part) => {
    if (checker.isArrayType(part)) {
      const [element] = checker.getTypeArguments(part as ts.TypeReference);
      return element ? objectMembers(checker, element) : [];
    }
    const objectLike = part.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection);
    if (!objectLike || part.getCallSignatures().length > 0) return [];
    return [part as ts.ObjectType];
  });
}

function describeType(checker: ts.TypeChecker, type: ts.Type): string {
  const parts = type.isUnion() ? type.types : [type];
  const names = new Set(
    parts.map((part) => {
      if (checker.isArrayType(part)) return 'list';
      if (part.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection))
        return checker.getIndexTypeOfType(part, ts.IndexKind.String) ? 'map' : 'object';
      if (part.isStringLiteral()) return parts.length > 6 ? 'string' : JSON.stringify(part.value);
      if (part.isNumberLiteral()) return String(part.value);
      return checker.typeToString(part);
    }),
  );
  if (names.has('boolean') || (names.has('true') && names.has('false'))) {
    names.delete('true');
    names.delete('false');
    names.add('boolean');
  }
  return [...names].join(' | ');
}

function cell(text: string): string {
  return (
    text
      .replace(/\s*\n\s*/g, ' ')
      .replace(/\|/g, '\\|')
      .trim() || ' '
  );
}

export function renderReference(): string {
  const table = (rows: Row[]) => [
    '| key | type | what it does | default |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.path}\` | ${cell(r.type)} | ${cell(r.summary)} | ${cell(r.defaultValue)} |`),
  ];
  return [
    '# Configuration reference',
    '',
    '<!-- Generated by `npx tsx config/scripts/reference.ts` from the doc comments of the config',
    '     schema (config/src). Do not edit by hand: a test fails when this page is stale. -->',
    '',
    'Every key of `slipway.config.ts`. `<name>` stands for a name you choose (an environment, a',
    'variable). Keys without a default here are resolved per environment from its `protected` flag;',
    '`slipway plan <env>` prints the resolved values.',
    '',
    '## Top level',
    '',
    ...table(collectRows('SlipwayConfigInput', '').filter((r) => !r.path.startsWith('environments.'))),
    '',
    '## Per environment (`environments.<name>`)',
    '',
    ...table(collectRows('EnvironmentInput', 'environments.<name>')),
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const page = renderReference();
  if (process.argv.includes('--check')) {
    if (readFileSync(REFERENCE_PAGE, 'utf8') !== page) {
      console.error('docs/reference/config.md is stale: run npx tsx config/scripts/reference.ts');
      process.exit(1);
    }
  } else {
    writeFileSync(REFERENCE_PAGE, page);
    console.log(`wrote ${REFERENCE_PAGE}`);
  }
}
