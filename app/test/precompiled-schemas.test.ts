/**
 * The routes' schemas compiled at build time (scripts/precompile-schemas.ts) behave as the ones
 * compiled at run time (src/schemas/compilers.ts), without Ajv's or fast-json-stringify's compiler.
 *
 * Scenarios and expected outcomes: a bundle of compilers.ts built with the plugin
 * - validates a body and a path parameter as the run-time validators do: same verdicts, same errors
 *   (every error reported, unknown properties rejected, strings from the URL coerced);
 * - serializes a response as the run-time serializer does (nulls, arrays, dates as strings);
 * - refuses a schema no route has, naming the build step;
 * - bundles neither Ajv's compiler nor fast-json-stringify's, only their run-time helpers.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompiledSchemas } from '../scripts/precompile-schemas.ts';
import { schemaCompilers as atRunTime, type SchemaCompilers } from '../src/schemas/compilers.ts';
import { CreateItemBody, Item, ItemParams } from '../src/schemas/item.ts';

const appDir = fileURLToPath(new URL('..', import.meta.url));
let dir: string;
let precompiled: SchemaCompilers;
let bundledInputs: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-schemas-'));
  const entry = join(dir, 'entry.ts');
  await writeFile(
    entry,
    `export { schemaCompilers } from ${JSON.stringify(join(appDir, 'src/schemas/compilers.ts'))};\n`,
  );
  const result = await build({
    absWorkingDir: appDir,
    entryPoints: [entry],
    outfile: join(dir, 'compilers.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    plugins: [precompiledSchemas(appDir)],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: 'warning',
  });
  bundledInputs = Object.keys(result.metafile.inputs);
  ({ schemaCompilers: precompiled } = (await import(pathToFileURL(join(dir, 'compilers.mjs')).href)) as {
    schemaCompilers: SchemaCompilers;
  });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs a validator on a copy (validators fill defaults in place) and reports what Fastify reads. */
function verdict(validate: ReturnType<SchemaCompilers['validator']>, data: unknown) {
  const copy = structuredClone(data);
  const valid = validate(copy);
  return { valid, data: copy, errors: valid ? null : validate.errors };
}

describe('schemas compiled at build time', () => {
  it('validate a body as at run time: same verdicts and the same errors', () => {
    const inputs = [
      { name: 'a', tags: ['x', 'y'] },
      { name: 5, extra: true },
      { name: '', note: null, done: 'yes', tags: ['x', 'x'] },
      {},
    ];
    for (const input of inputs) {
      expect(verdict(precompiled.validator(CreateItemBody, 'body'), input)).toEqual(
        verdict(atRunTime.validator(CreateItemBody, 'body'), input),
      );
    }
    expect(verdict(precompiled.validator(CreateItemBody, 'body'), inputs[1]).errors).toHaveLength(2);
  });

  it('validate a path parameter as at run time', () => {
    for (const input of [{ id: '0b5f4c84-3c1e-4f6e-9d55-2f1c2e8f6a10' }, { id: 'nope' }, { id: ['a'] }]) {
      expect(verdict(precompiled.validator(ItemParams, 'url'), input)).toEqual(
        verdict(atRunTime.validator(ItemParams, 'url'), input),
      );
    }
  });

  it('serialize a response as at run time', () => {
    const item = {
      id: '0b5f4c84-3c1e-4f6e-9d55-2f1c2e8f6a10',
      name: 'a "quoted" name',
      note: null,
      done: false,
      tags: ['x'],
      createdAt: '2026-12-04T21:20:55.133Z',
      updatedAt: '2026-12-04T21:20:55.133Z',
      processedAt: null,
      unknown: 'dropped',
    };
    const json = precompiled.serializer(Item)(item);
    expect(json).toBe(atRunTime.serializer(Item)(item));
    expect(JSON.parse(json)).not.toHaveProperty('unknown');
  });

  it('refuse a schema no route has, naming the build step', () => {
    expect(() => precompiled.validator({ type: 'string', maxLength: 3 }, 'body')).toThrow(
      /no validator was compiled at build time .*precompile-schemas\.ts/,
    );
    expect(() => precompiled.serializer({ type: 'number' })).toThrow(/no serializer was compiled/);
  });

  it("bundle neither Ajv's compiler nor fast-json-stringify's, only their run-time helpers", () => {
    const packages = bundledInputs.filter((input) => input.includes('node_modules'));
    expect(packages.some((input) => input.includes('ajv/dist/runtime/'))).toBe(true);
    expect(packages.some((input) => input.includes('fast-json-stringify/lib/serializer'))).toBe(true);
    expect(
      packages.filter((input) => /ajv\/dist\/(core|compile)\b|fast-json-stringify\/index\.js/.test(input)),
    ).toEqual([]);
  });
});
