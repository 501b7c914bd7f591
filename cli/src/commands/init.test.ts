/*
 * `slipway init`:
 *   - --from-copilot writes slipway.config.ts in the working directory and prints the report and
 *     what it wrote; the default folder is copilot/
 *   - an existing slipway.config.ts is refused (SW246, exit 4) and left as it was; --force replaces it
 *   - a missing or non-Copilot folder is SW247 (exit 2); a manifest that is not YAML is SW249
 *   - --json prints the report as JSON
 *   - without --from-copilot in a folder with no Dockerfile: SW248 (exit 2) naming --dockerfile, nothing written
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_ERRORS, CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import { initCommand } from './init.ts';

const shop = fileURLToPath(new URL('../copilot/fixtures/shop/copilot', import.meta.url));
let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'slipway-init-'));
  cpSync(shop, join(cwd, 'copilot'), { recursive: true });
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

async function refusal(run: Promise<unknown>): Promise<CliError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CliError)) throw new Error(`expected a CliError, got ${String(error)}`);
  return error;
}

describe('slipway init --from-copilot', () => {
  it('writes slipway.config.ts from copilot/ and prints the report and what it wrote', async () => {
    const cap = captureIo();
    expect(await initCommand({ fromCopilot: true }, cap.io, cwd)).toBe(0);
    const written = readFileSync(join(cwd, 'slipway.config.ts'), 'utf8');
    expect(written).toContain("import { defineConfig } from '@slipway/config';");
    expect(written).toContain("context: 'frontend', dockerfile: 'frontend/Dockerfile'");
    expect(cap.stdout()).toContain('service frontend (copilot/frontend/manifest.yml)');
    expect(cap.stdout()).toContain('wrote slipway.config.ts from copilot/');
    expect(cap.stdout()).toContain('Next: replace the TODO placeholders');
    expect(cap.stdout()).not.toContain('does not validate');
  });

  it('takes the Copilot folder as an argument and writes paths relative to the working directory', async () => {
    const repo = join(cwd, 'repo');
    mkdirSync(repo);
    cpSync(join(cwd, 'copilot'), join(repo, 'copilot'), { recursive: true });
    const out = join(cwd, 'deploy');
    mkdirSync(out);
    expect(await initCommand({ fromCopilot: '../repo/copilot' }, captureIo().io, out)).toBe(0);
    expect(readFileSync(join(out, 'slipway.config.ts'), 'utf8')).toContain(
      "dockerfile: '../repo/frontend/Dockerfile'",
    );
  });

  it('refuses to overwrite an existing slipway.config.ts without --force', async () => {
    writeFileSync(join(cwd, 'slipway.config.ts'), '// mine\n');
    const error = await refusal(initCommand({ fromCopilot: true }, captureIo().io, cwd));
    expect(error.code).toBe('SW246');
    expect(error.exitCode).toBe(4);
    expect(error.next).toBe('slipway init --from-copilot copilot --force');
    expect(readFileSync(join(cwd, 'slipway.config.ts'), 'utf8')).toBe('// mine\n');
  });

  it('replaces an existing slipway.config.ts with --force', async () => {
    writeFileSync(join(cwd, 'slipway.config.ts'), '// mine\n');
    expect(await initCommand({ fromCopilot: true, force: true }, captureIo().io, cwd)).toBe(0);
    expect(readFileSync(join(cwd, 'slipway.config.ts'), 'utf8')).toContain('defineConfig(');
  });

  it('says clearly when the folder is missing or not a Copilot folder', async () => {
    const missing = await refusal(initCommand({ fromCopilot: 'nope' }, captureIo().io, cwd));
    expect(missing.code).toBe('SW247');
    expect(missing.exitCode).toBe(CLI_ERRORS.SW247.exit);
    expect(missing.message).toContain('no Copilot folder at');
    mkdirSync(join(cwd, 'empty'));
    const empty = await refusal(initCommand({ fromCopilot: 'empty' }, captureIo().io, cwd));
    expect(empty.message).toContain('it is not a Copilot folder');
    expect(existsSync(join(cwd, 'slipway.config.ts'))).toBe(false);
  });

  it('names the manifest that is not valid YAML', async () => {
    writeFileSync(join(cwd, 'copilot', 'api', 'manifest.yml'), 'name: api\n  type: [unclosed\n');
    const error = await refusal(initCommand({ fromCopilot: true }, captureIo().io, cwd));
    expect(error.code).toBe('SW249');
    expect(error.message).toContain('copilot/api/manifest.yml is not valid YAML');
  });

  it('still writes a workspace without a web service, and lists what to finish', async () => {
    for (const name of ['frontend', 'api']) rmSync(join(cwd, 'copilot', name), { recursive: true });
    const cap = captureIo();
    expect(await initCommand({ fromCopilot: true }, cap.io, cwd)).toBe(0);
    expect(existsSync(join(cwd, 'slipway.config.ts'))).toBe(true);
    expect(cap.stdout()).toContain('It does not validate yet; finish these by hand:');
    expect(cap.stdout()).toContain('SW154');
  });

  it('prints the report as JSON with --json', async () => {
    const cap = captureIo();
    await initCommand({ fromCopilot: true, json: true }, cap.io, cwd);
    const report = JSON.parse(cap.stdout()) as {
      valid: boolean;
      findings: { subject: string; outcome: string }[];
    };
    expect(report.valid).toBe(true);
    expect(report.findings.some((f) => f.subject === 'service orders' && f.outcome === 'mapped')).toBe(true);
  });
});

describe('slipway init', () => {
  it('without --from-copilot and without a Dockerfile, names the flag to pass and writes nothing', async () => {
    const error = await refusal(initCommand({}, captureIo().io, cwd));
    expect(error.code).toBe('SW248');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('found no Dockerfile');
    expect(error.next).toContain('--dockerfile');
    expect(existsSync(join(cwd, 'slipway.config.ts'))).toBe(false);
  });
});
