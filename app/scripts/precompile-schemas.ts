/**
 * Compiles the routes' schemas at build time: esbuild puts a module of precompiled validators and
 * serializers in place of src/schemas/compilers.ts, so the bundle starts without loading Ajv and
 * fast-json-stringify and answers a first request without compiling a schema.
 *
 * Which schemas: the app is built here (`buildApp`, no database connection) with compilers that
 * record what Fastify asks for when the app becomes ready, which is every route's input and response
 * schemas. Each is compiled with the same options as at run time (compilers.ts) into standalone code:
 * Ajv's `standaloneCode` and fast-json-stringify's `mode: 'standalone'`, the way Fastify's own
 * standalone compilers do. A schema the build did not see fails the start with its name, never a
 * request.
 */
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import type { InputKind } from '../src/schemas/compilers.ts';

const NAMESPACE = 'precompiled-schema';

/** Each kind's schemas by their JSON text, the key the generated module looks them up by. */
interface Recorded {
  readonly validators: Record<InputKind, Map<string, object>>;
  readonly serializers: Map<string, object>;
}

/** Every schema the app's routes compile, recorded while the app gets ready. */
async function recordSchemas(): Promise<Recorded> {
  const [{ buildApp }, { loadConfig }, { default: pino }] = await Promise.all([
    import('../src/app.ts'),
    import('../src/config.ts'),
    import('pino'),
  ]);
  const recorded: Recorded = { validators: { body: new Map(), url: new Map() }, serializers: new Map() };
  const app = await buildApp({
    // Any valid configuration: the routes and their schemas do not depend on it.
    config: loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://build@127.0.0.1:1/build' }),
    connection: {},
    migrations: [],
    logger: pino({ level: 'silent' }),
    schemaCompilers: {
      validator(schema, kind) {
        recorded.validators[kind].set(JSON.stringify(schema), schema);
        return () => true;
      },
      serializer(schema) {
        recorded.serializers.set(JSON.stringify(schema), schema);
        return () => '';
      },
    },
  });
  await app.ready();
  await app.close();
  return recorded;
}

/** The replacement of compilers.ts and one standalone module per compiled schema. */
async function generate(): Promise<{ module: string; files: Map<string, string> }> {
  const [recorded, { Ajv }, { default: standaloneCode }, { default: fastJson }, { INPUT_AJV_OPTIONS }] =
    await Promise.all([
      recordSchemas(),
      import('ajv'),
      import('ajv/dist/standalone/index.js'),
      import('fast-json-stringify'),
      import('../src/schemas/compilers.ts'),
    ]);
  const files = new Map<string, string>();
  const imports: string[] = [];
  /** One standalone module per schema; the source text of a `new Map([[json, module], ...])`. */
  const table = (prefix: string, schemas: Map<string, object>, code: (schema: object) => string) => {
    const entries = [...schemas].map(([json, schema]) => {
      const name = `${prefix}${files.size}`;
      files.set(`${name}.js`, code(schema));
      imports.push(`import ${name} from '${NAMESPACE}:${name}.js';`);
      return `[${JSON.stringify(json)}, ${name}]`;
    });
    return `new Map([${entries.join(',\n')}])`;
  };
  const validators = (['body', 'url'] as const).map((kind) => {
    const ajv = new Ajv({ ...INPUT_AJV_OPTIONS[kind], code: { source: true, esm: true } });
    const schemas = recorded.validators[kind];
    return `${kind}: ${table('validator', schemas, (schema) => standaloneCode(ajv, ajv.compile(schema)))}`;
  });
  const serializers = table(
    'serializer',
    recorded.serializers,
    (schema) => fastJson(schema, { mode: 'standalone' }) as unknown as string,
  );
  const module = `${imports.join('\n')}
export const INPUT_AJV_OPTIONS = ${JSON.stringify(INPUT_AJV_OPTIONS)};
const validators = { ${validators.join(',\n')} };
const serializers = ${serializers};
function compiled(map, schema, what) {
  const key = JSON.stringify(schema);
  const fn = map.get(key);
  if (fn === undefined) throw new Error('no ' + what + ' was compiled at build time for the schema ' + key + ' (app/scripts/precompile-schemas.ts records the schemas the routes have when the app is built without configuration of its own)');
  return fn;
}
export const schemaCompilers = {
  validator: (schema, kind) => compiled(validators[kind], schema, 'validator'),
  serializer: (schema) => compiled(serializers, schema, 'serializer'),
};
`;
  return { module, files };
}

/** The esbuild plugin; `appDir` is the app workspace (its src/ and node_modules resolve the imports). */
export function precompiledSchemas(appDir: string): Plugin {
  return {
    name: 'precompiled-schemas',
    setup(build) {
      // Generated once per build, when esbuild first reaches compilers.ts.
      let generated: ReturnType<typeof generate> | undefined;
      const output = () => {
        generated ??= generate();
        return generated;
      };
      build.onLoad({ filter: /[\\/]src[\\/]schemas[\\/]compilers\.ts$/ }, async () => ({
        contents: (await output()).module,
        loader: 'js',
        resolveDir: join(appDir, 'src', 'schemas'),
      }));
      build.onResolve({ filter: new RegExp(`^${NAMESPACE}:`) }, (args) => ({
        path: args.path.slice(NAMESPACE.length + 1),
        namespace: NAMESPACE,
      }));
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async (args) => {
        const contents = (await output()).files.get(args.path);
        if (contents === undefined) throw new Error(`no precompiled schema module ${args.path}`);
        return { contents, loader: 'js', resolveDir: join(appDir, 'src') };
      });
    },
  };
}
