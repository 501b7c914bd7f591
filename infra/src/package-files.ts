import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { grafanaRoot } from '@slipway/config/contract';

/*
 * Files @slipway/infra reads at synth, found from this module: the same relative paths hold in the
 * repository (infra/src/…) and in the published package (src/…, built by scripts/packaging/build.ts).
 */

/** The package's folder (infra/ in the repository). */
const PACKAGE_ROOT = new URL('../', import.meta.url);

/**
 * The Grafana files: grafana/ inside the published package, which carries a copy; the
 * repository's top-level grafana/ when running from the sources.
 */
export const GRAFANA_ROOT = grafanaRoot(PACKAGE_ROOT);

/** The Lambda handlers' TypeScript sources, which esbuild bundles at synth (one folder per handler). */
export const FUNCTIONS_DIR = fileURLToPath(new URL('functions/', PACKAGE_ROOT));

const REPOSITORY_LOCK_FILE = new URL('../package-lock.json', PACKAGE_ROOT);

/**
 * `depsLockFilePath` of the handlers: CDK otherwise searches for a lock file from the working
 * directory, and fails where there is none. Its folder is the bundling's project root. In the
 * repository that is the repository's lock file; installed, the package ships no lock file (npm
 * never packs one), so the package's own package.json stands in: the handlers are bundled with
 * every dependency inlined and nothing is installed, so CDK only needs an existing file whose
 * folder holds the sources, and a name it does not recognise makes it assume npm.
 */
export const HANDLER_LOCK_FILE = fileURLToPath(
  existsSync(REPOSITORY_LOCK_FILE) ? REPOSITORY_LOCK_FILE : new URL('package.json', PACKAGE_ROOT),
);
