import { existsSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { CONFIG_FILE, formatConfigError, validateConfig } from '@slipway/config';
import { CopilotReadError, formatReport, importCopilot } from '../copilot/index.ts';
import { CliError, EXIT, type ExitCode } from '../errors.ts';
import { type DetectInitOptions, initFromRepository } from '../init/run.ts';
import type { Io } from '../io.ts';

export interface InitOptions extends DetectInitOptions {
  /** `--from-copilot [dir]`: the Copilot folder, or true for `copilot/`. */
  readonly fromCopilot?: string | boolean;
  /** Overwrite an existing slipway.config.ts. */
  readonly force?: boolean;
  /** Print the report as JSON on stdout. */
  readonly json?: boolean;
}

/** The default Copilot folder, as `copilot init` creates it at the workspace root. */
export const COPILOT_DIR = 'copilot';

/**
 * `slipway init`: in an existing repository, detects its Dockerfiles and frameworks and writes
 * `slipway.config.ts`, the GitHub workflows and (if missing) a package.json (cli/src/init/).
 * `slipway init --from-copilot [dir]`: writes `slipway.config.ts` in `cwd` from a Copilot
 * workspace and prints what it mapped, approximated or could not map. Both refuse to overwrite an
 * existing file without `--force` (SW246, exit 4).
 */
export async function initCommand(opts: InitOptions, io: Io, cwd: string = process.cwd()): Promise<ExitCode> {
  if (opts.fromCopilot === undefined || opts.fromCopilot === false) return initFromRepository(opts, io, cwd);
  const dirArg = typeof opts.fromCopilot === 'string' ? opts.fromCopilot : COPILOT_DIR;
  const dir = resolve(cwd, dirArg);
  const target = join(cwd, CONFIG_FILE);
  if (existsSync(target) && !opts.force)
    throw new CliError(
      'SW246',
      `${CONFIG_FILE} already exists in ${cwd}; not overwritten`,
      `slipway init --from-copilot ${dirArg} --force`,
      { path: target },
    );
  let imported: ReturnType<typeof importCopilot>;
  try {
    imported = importCopilot({ dir, configDir: cwd });
  } catch (error) {
    if (!(error instanceof CopilotReadError)) throw error;
    const code = error.kind === 'bad-manifest' ? 'SW249' : 'SW247';
    const next =
      error.kind === 'bad-manifest'
        ? 'fix the manifest, then run the command again'
        : 'slipway init --from-copilot <folder holding .workspace>';
    throw new CliError(code, error.message, next, { path: dir });
  }
  writeFileSync(target, imported.source);
  const validation = validateConfig(imported.config);
  const errors = validation.ok ? [] : validation.errors;
  const shown = relative(cwd, target) || CONFIG_FILE;
  if (opts.json) {
    io.out(
      `${JSON.stringify({ wrote: target, from: dir, valid: validation.ok, errors, findings: imported.findings }, null, 2)}\n`,
    );
    return EXIT.ok;
  }
  io.out(`${formatReport(imported.findings)}\n`);
  io.out(`wrote ${shown} from ${relative(cwd, dir) || '.'}/\n`);
  if (errors.length > 0) {
    io.out(
      `It does not validate yet; finish these by hand:\n${errors.map((e) => `  ${formatConfigError(e)}`).join('\n')}\n`,
    );
  }
  const first = Object.keys((imported.config as { environments: object }).environments)[0] ?? 'dev';
  io.out(
    `Next: replace the TODO placeholders (accounts, regions) in ${shown}, then: slipway plan ${first}\n`,
  );
  return EXIT.ok;
}
