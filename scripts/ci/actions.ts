import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/*
 * The few GitHub Actions runner conventions the helper scripts use: step outputs, the job summary
 * and masking. Outside a runner they print to stdout, so every script runs the same locally.
 */

/** Writes `name=value` to `$GITHUB_OUTPUT` (multi-line values with a heredoc delimiter). */
export function setOutput(name: string, value: string, file = process.env.GITHUB_OUTPUT): void {
  if (!/^[A-Za-z][\w-]*$/.test(name)) throw new Error(`setOutput: invalid output name "${name}"`);
  if (!file) {
    console.log(`${name}=${value}`);
    return;
  }
  if (value.includes('\n')) {
    const delimiter = `EOF_${Math.random().toString(36).slice(2)}`;
    appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
  } else {
    appendFileSync(file, `${name}=${value}\n`);
  }
}

/** Appends Markdown to the job summary (`$GITHUB_STEP_SUMMARY`), or prints it. */
export function appendSummary(markdown: string, file = process.env.GITHUB_STEP_SUMMARY): void {
  if (file) appendFileSync(file, `${markdown}\n`);
  else console.log(markdown);
}

/** An error annotation on the run (`::error::`), with newlines encoded as the runner expects. */
export function annotateError(message: string): void {
  console.log(`::error::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`);
}

/** True when the module is the process entry point (`tsx scripts/ci/x.ts`), false when imported by a test. */
export function isMain(importMetaUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && importMetaUrl === pathToFileURL(entry).href;
}

/** Runs `main`, printing a failure as one annotation and exiting non-zero. */
export function run(main: () => Promise<void> | void): void {
  Promise.resolve()
    .then(main)
    .catch((error: unknown) => {
      annotateError(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    });
}
