/*
 * The drift workflow's issue: opened (or updated) when scripts/ci/drift.ts finds real drift in an
 * environment (exit 2), closed when a later run is clean (exit 0). A run that could not check every
 * stack (exit 1) touches neither: it concludes nothing, and the workflow fails on it instead.
 *
 *   npx tsx scripts/ci/drift-issue.ts --environment prod --status drifted --report drift.txt
 *   npx tsx scripts/ci/drift-issue.ts --environment prod --status clean
 */
import { readFileSync } from 'node:fs';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { isMain, run } from './actions.ts';
import { GitHubClient } from './github.ts';

export const DRIFT_LABEL = 'drift';

export function driftIssue(environment: string, report: string, runUrl: string | undefined) {
  const text = stripVTControlCharacters(report).replace(/```/g, "'''").trim();
  const clipped = text.length > 50_000 ? `${text.slice(0, 50_000)}\n… (truncated: see the run)` : text;
  return {
    marker: `drift:${environment}`,
    title: `Drift detected in ${environment}`,
    body: [
      `Scheduled drift detection found resources in **${environment}** that differ from their CloudFormation templates.`,
      runUrl ? `Run: ${runUrl}` : '',
      '',
      'Either bring the change into the code (and deploy), or revert it in the account, then re-run the drift workflow.',
      'Differences AWS makes on purpose (listener rule weights, task counts, office-hours bounds) are listed under',
      '"Expected differences" with their reason; they are not why this issue is open (docs/pipelines.md, "Drift detection").',
      '',
      '```',
      clipped || '(no output)',
      '```',
    ].join('\n'),
  };
}

async function main() {
  const { values } = parseArgs({
    options: { environment: { type: 'string' }, status: { type: 'string' }, report: { type: 'string' } },
  });
  const environment = values.environment ?? '';
  if (!/^[a-z][a-z0-9-]*$/.test(environment)) throw new Error(`--environment: got "${environment}"`);
  const client = GitHubClient.fromEnv();
  const runUrl = process.env.GITHUB_RUN_ID
    ? `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`
    : undefined;
  if (values.status === 'clean') {
    const closed = await client.closeIssue(
      `drift:${environment}`,
      [DRIFT_LABEL],
      `No drift in ${environment} any more (${runUrl ?? 'latest run'}).`,
    );
    console.log(closed ? `closed drift issue #${closed}` : `no open drift issue for ${environment}`);
    return;
  }
  if (values.status !== 'drifted') throw new Error(`--status: got "${values.status}"; drifted or clean`);
  const issue = driftIssue(environment, values.report ? readFileSync(values.report, 'utf8') : '', runUrl);
  const number = await client.upsertIssue(issue.marker, issue.title, issue.body, [DRIFT_LABEL]);
  console.log(`drift issue #${number} opened/updated for ${environment}`);
}

if (isMain(import.meta.url)) run(main);
