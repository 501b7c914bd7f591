/**
 * Bundles the service into dist/ with esbuild: `dist/main.js` plus chunks for code loaded on demand
 * (the migration runner). Everything is bundled except PGlite (WebAssembly and data files, loaded only
 * for the embedded database, which the container image does not ship) and pg-native (optional, unused).
 *
 * What a start does not have to do is done here: the environment schema's validator and every
 * route's validators and serializers are compiled into the bundle (precompile-schemas.ts), and the
 * HTTPS and HTTP/2 modules Fastify would load for servers the service never creates are left to
 * first use. docs/performance.md gives what each saves.
 *
 * Usage: `npm run build -w @slipway/app` or `tsx app/scripts/build.ts [outdir]`.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { precompiledSchemas } from './precompile-schemas.ts';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Modules left out of the bundle; the image installs none of them (see Dockerfile). */
export const EXTERNAL = ['@electric-sql/pglite', '@electric-sql/pglite-socket', 'pg-native'];

/**
 * Puts the environment schema's validator, compiled now into standalone code, in place of
 * src/env-validator.ts (which compiles it at run time): same schema, same Ajv options, no
 * compilation at start. Ajv's runtime helpers it needs are bundled like any other import.
 */
const precompiledEnvValidator: Plugin = {
  name: 'precompiled-env-validator',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]env-validator\.ts$/ }, async () => {
      const [{ Ajv }, { default: standaloneCode }, { envSchema }, { ENV_AJV_OPTIONS }] = await Promise.all([
        import('ajv'),
        import('ajv/dist/standalone/index.js'),
        import('../src/config.ts'),
        import('../src/env-validator.ts'),
      ]);
      const ajv = new Ajv({ ...ENV_AJV_OPTIONS, code: { source: true, esm: true } });
      const code = standaloneCode(ajv, ajv.compile(envSchema));
      return {
        contents: `${code}\nexport const ENV_AJV_OPTIONS = ${JSON.stringify(ENV_AJV_OPTIONS)};\nexport function compileEnvValidator() { return validate0; }\n`,
        loader: 'js',
        resolveDir: join(appDir, 'src'),
      };
    });
  },
};

/**
 * Fastify's server module loads `node:https` and `node:http2` as it is loaded, for the HTTPS and
 * HTTP/2 servers it can create, and with them `node:tls` (docs/performance.md, start-up). The
 * service creates a plain HTTP server (TLS ends at the load balancer), so there they are objects that
 * load the real module on first use. pg loads `node:tls` itself, and only when it opens a TLS
 * connection (DB_SSL=require). app/test/bundle-start.test.ts checks a start loads neither.
 */
const lazyServerBuiltins: Plugin = {
  name: 'lazy-server-builtins',
  setup(build) {
    build.onResolve({ filter: /^node:(https|http2)$/ }, (args) =>
      /[\\/]fastify[\\/]lib[\\/]server\.js$/.test(args.importer)
        ? { path: args.path, namespace: 'lazy-builtin' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `module.exports = new Proxy({}, { get: (_, key) => require(${JSON.stringify(args.path)})[key] });`,
      loader: 'js',
    }));
  },
};

export async function bundle(
  outdir: string = join(appDir, 'dist'),
): Promise<BundleSize & { outdir: string }> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: appDir,
    entryPoints: { main: 'src/main.ts' },
    outdir,
    bundle: true,
    splitting: true,
    // Chunks stay beside main.js: src/config.ts finds the app folder one level above the running file.
    chunkNames: '[name]-[hash]',
    platform: 'node',
    format: 'esm',
    // The image, CI and local runs all use Node 24 (engines, .nvmrc, Dockerfile).
    target: 'node24',
    external: EXTERNAL,
    plugins: [precompiledEnvValidator, precompiledSchemas(appDir), lazyServerBuiltins],
    // pg probes `navigator` and `Response` to detect Cloudflare Workers; the first access to
    // `Response` loads Node's internal undici (~35 ms of start-up, measured on Node 24.22). Nothing
    // in the service uses either.
    define: { navigator: 'undefined', Response: 'undefined' },
    // Bundled CommonJS dependencies (pg, pino, fastify) call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    // Whitespace and syntax only: identifiers keep their names, which appear in logged errors
    // (err.type) and stack traces. (esbuild's keepNames would do the same at a runtime cost: it wraps
    // every function it names, on the request path too.)
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  // dist/ is self-contained: `node dist/main.js` works without app/package.json beside it.
  await writeFile(join(outdir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  return { outdir, ...bundleSize(result.metafile) };
}

export interface BundleSize {
  /** All files of the bundle, chunks loaded on demand included. */
  readonly bytes: number;
  /** main.js and the chunks it imports statically: what every start loads. */
  readonly startupBytes: number;
}

function bundleSize(metafile: Metafile): BundleSize {
  const outputs = metafile.outputs;
  const bytes = Object.values(outputs).reduce((sum, output) => sum + output.bytes, 0);
  const loaded = new Set<string>();
  const visit = (path: string) => {
    const output = outputs[path];
    if (!output || loaded.has(path)) return;
    loaded.add(path);
    for (const imported of output.imports) if (imported.kind === 'import-statement') visit(imported.path);
  };
  // Chunks loaded by import() are entry points of their own in the metafile: only main's count.
  for (const [path, output] of Object.entries(outputs)) if (output.entryPoint === 'src/main.ts') visit(path);
  const startupBytes = [...loaded].reduce((sum, path) => sum + (outputs[path]?.bytes ?? 0), 0);
  return { bytes, startupBytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outdir, bytes, startupBytes } = await bundle(
    process.argv[2] ? resolve(process.argv[2]) : undefined,
  );
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  process.stderr.write(`built ${outdir} (${kib(bytes)}; loaded at start: ${kib(startupBytes)})\n`);
}
