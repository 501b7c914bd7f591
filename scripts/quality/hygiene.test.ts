/**
 * The repository speaks to its users: what a reader finds here must be followable by someone who
 * has only the repository.
 *   - no text cites the internal design documents, style notes or tracker numbers instead of
 *     saying the reason itself, and none describes the machines the project was built on;
 *   - every repository path the docs mention (a test, a source file, a workflow) exists;
 *   - the decision records are numbered without gaps and each is in the index.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SELF = 'scripts/quality/hygiene.test.ts';

function trackedTextFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return listed
    .split('\n')
    .filter((file) => file && file !== SELF && existsSync(join(ROOT, file)))
    .filter((file) =>
      /\.(ts|mjs|js|md|ya?ml|json|sh|py|txt|toml|cfg|ini)$|(^|\/)(Dockerfile|run)$/.test(file),
    )
    .filter((file) => !file.endsWith('package-lock.json'));
}

// Built from parts so that this file does not match itself when a tool greps the repository.
const CITATIONS: [string, RegExp][] = [
  ['a design-document number', new RegExp(`\\bseeds? ${'0'}\\d\\d`, 'i')],
  ['a style-note number', new RegExp(`STYLE ${'habit'}`, 'i')],
  ['a tracker number', new RegExp(`\\bissue ${'#'}\\d`, 'i')],
  [
    'the machines it was built on',
    new RegExp(
      `2-core ${'machine'}|these ${'machines'}|the ${'machines'}'|project's [^.]*${'machines'}`,
      'i',
    ),
  ],
];

describe('the repository speaks of the product', () => {
  const files = trackedTextFiles();

  it.each(CITATIONS)('no file cites %s', (_what, pattern) => {
    const hits = files.flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, index) => (pattern.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(hits).toEqual([]);
  });

  it('no doc comment gives a default of "none" or "undefined" without saying what that does', () => {
    const vague = new RegExp(`@default (${'none'}|${'undefined'})\\s*(\\*/)?$`);
    const hits = files
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) =>
        readFileSync(join(ROOT, file), 'utf8')
          .split('\n')
          .flatMap((line, index) =>
            vague.test(line.trim()) ? [`${file}:${index + 1}: ${line.trim()}`] : [],
          ),
      );
    expect(hits).toEqual([]);
  });

  it('flags a planted citation (negative control)', () => {
    expect(CITATIONS.some(([, pattern]) => pattern.test(`as ${'seed'} 002 says`))).toBe(true);
  });
});

const PATH_IN_DOCS =
  /(?<![\w/.-])((?:app|cli|config|infra|scripts|testing|bench|grafana|examples|\.github)\/[\w./-]*[\w-]\.(?:ts|mjs|yml|yaml|json|md|sh))\b/g;

describe('the docs point at files that exist', () => {
  const docs = trackedTextFiles().filter((file) => file.endsWith('.md'));

  it('every repository path named in a Markdown page exists', () => {
    const missing = docs.flatMap((doc) =>
      [...readFileSync(join(ROOT, doc), 'utf8').matchAll(PATH_IN_DOCS)]
        .map((match) => match[1] as string)
        .filter((path) => !existsSync(join(ROOT, path)))
        .map((path) => `${doc}: ${path}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('decision records', () => {
  const dir = join(ROOT, 'docs/decisions');
  const records = readdirSync(dir)
    .filter((file) => /^\d{4}-.+\.md$/.test(file))
    .sort();

  it('are numbered from 0001 without gaps', () => {
    expect(records.map((file) => Number(file.slice(0, 4)))).toEqual(records.map((_, index) => index + 1));
  });

  it('are each listed in the index', () => {
    const index = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(records.filter((file) => !index.includes(`(${file})`))).toEqual([]);
  });
});
