/**
 * `npm run build:packages`: turns @slipway/config, @slipway/infra and @slipway/cli into
 * publishable folders under dist/<package>/, each laid out like its source folder (so every
 * `import.meta.url`-relative path the code reads still points at the right file):
 *
 * - src/**: JavaScript and declarations from `tsc -p tsconfig.build.json` (relative `.ts` imports
 *   rewritten to `.js`);
 * - the files read at run time (the Lambda handlers' sources, which esbuild bundles at synth; CDK's
 *   feature flags; cfn-lint's settings; the Grafana files; the CLI's launcher and policy worker);
 * - package.json with `exports` pointing at the built JavaScript and its declarations.
 *
 * The source folders' own package.json keep `exports` on the TypeScript sources and
 * `"private": true`, so the repository runs from source (tests, `npx slipway` through tsx) and a
 * source folder can never be published by mistake. Node.js does not strip types inside
 * node_modules, which is why the published packages carry JavaScript.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = join(ROOT, 'dist');
const BUILD = join(DIST, 'build');

/** The published packages, their folder in the repository, and what each carries beside src/. */
export const PACKAGES = {
  config: { name: '@slipway/config', assets: [] },
  infra: {
    name: '@slipway/infra',
    assets: ['functions', 'cdk.json', '.cfnlintrc.yaml', ['../grafana', 'grafana']],
  },
  cli: { name: '@slipway/cli', assets: ['bin', 'src/policy/validate-process.mjs'] },
} as const satisfies Record<
  string,
  { name: string; assets: readonly (string | readonly [string, string])[] }
>;
export type PackageDir = keyof typeof PACKAGES;

interface Manifest {
  private?: boolean;
  exports?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  [key: string]: unknown;
}

/** `./src/x.ts` → types and default conditions on the built files; other targets as they are. */
export function builtExports(exports: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, target] of Object.entries(exports)) {
    // Deep imports into src/ and the handlers' sources are for the repository's own tests.
    if (key.endsWith('/*') || key.startsWith('./functions')) continue;
    out[key] = target.endsWith('.ts')
      ? { types: target.replace(/\.ts$/, '.d.ts'), default: target.replace(/\.ts$/, '.js') }
      : target;
  }
  out['./package.json'] = './package.json';
  return out;
}

/** The manifest published from dist/<package>/. */
export function publishedManifest(source: Manifest): Record<string, unknown> {
  const { private: _private, devDependencies: _dev, scripts: _scripts, exports, ...rest } = source;
  return { ...rest, ...(exports ? { exports: builtExports(exports) } : {}) };
}

/** Declarations keep the sources' `.ts` specifiers; a consumer's compiler wants the `.js` files. */
function rewriteDeclarations(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    const rewritten = text.replace(/((?:from |import\()['"]\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1.js$2');
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
}

function stage(dir: PackageDir): void {
  const target = join(DIST, dir);
  renameSync(join(BUILD, dir), target);
  for (const asset of PACKAGES[dir].assets) {
    const [from, to] = typeof asset === 'string' ? [asset, asset] : asset;
    cpSync(join(ROOT, dir, from), join(target, to), {
      recursive: true,
      filter: (file) => !file.endsWith('.test.ts') && !file.endsWith('README.md'),
    });
  }
  rewriteDeclarations(join(target, 'src'));
  const source = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;
  writeFileSync(join(target, 'package.json'), `${JSON.stringify(publishedManifest(source), null, 2)}\n`);
  for (const file of ['LICENSE', 'README.md']) {
    if (existsSync(join(ROOT, file))) cpSync(join(ROOT, file), join(target, file));
  }
}

/**
 * Builds every package into dist/<package>/; returns their folders. `check: false` emits without
 * type-checking (`tsc --noCheck`: the same JavaScript and declarations, a third less time), for a
 * caller that has just type-checked the same sources (the packaging test runs after
 * `npm run typecheck` in `npm test`); the release build checks.
 */
export function buildPackages(options: { check?: boolean } = {}): Record<PackageDir, string> {
  rmSync(DIST, { recursive: true, force: true });
  const tsc = join(dirname(fileURLToPath(import.meta.resolve('typescript/package.json'))), 'bin', 'tsc');
  const args = [
    tsc,
    '-p',
    join(ROOT, 'tsconfig.build.json'),
    ...(options.check === false ? ['--noCheck'] : []),
  ];
  execFileSync(process.execPath, args, { stdio: 'inherit' });
  const dirs = Object.keys(PACKAGES) as PackageDir[];
  for (const dir of dirs) stage(dir);
  rmSync(BUILD, { recursive: true, force: true });
  return Object.fromEntries(dirs.map((d) => [d, join(DIST, d)])) as Record<PackageDir, string>;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [dir, folder] of Object.entries(buildPackages())) {
    process.stdout.write(`${PACKAGES[dir as PackageDir].name}: ${relative(ROOT, folder)}\n`);
  }
}
