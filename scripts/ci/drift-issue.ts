/*
 * The drift workflow's report and issue, from the JSON `slipway drift <env> --json` printed. Every
 * run prints the report to the log and the job summary; then, by the CLI's verdict (its exit code,
 * which must agree with the JSON's `outcome`):
 *   drifted (exit 5)  opens the environment's issue, or updates it, with the report
 *   clean   (exit 0)  closes it
 *   error   (other)   touches neither: a run that could not check every stack concludes nothing,
 *                     and the workflow fails on it instead
 *
 *   npx tsx scripts/ci/drift-issue.ts --environment prod --status drifted --report drift.json
 *   npx tsx scripts/ci/drift-issue.ts --environment prod --status clean --report drift.json
 *   npx tsx scripts/ci/drift-issue.ts --environment prod --status error --report drift.json
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { type DriftResult, formatDriftReport } from '@slipway/cli';
import { appendSummary, isMain, run } from './actions.ts';
import { GitHubClient } from './github.ts';

export const DRIFT_LABEL = 'drift';

const STATUSES = ['drifted', 'clean', 'error'] as const;
export type DriftStatus = (typeof STATUSES)[number];

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

/**
 * The report text from the CLI's JSON, checked against the run's verdict: an issue is never opened
 * or closed on a document that says otherwise, or on none. An error run may have no document (the
 * CLI stopped before detection, e.g. without credentials): its own error line is in the log.
 */
export function driftReport(environment: string, status: DriftStatus, json: string | undefined): string {
  let doc: DriftResult | undefined;
  try {
    doc = json?.trim() ? (JSON.parse(json) as DriftResult) : undefined;
  } catch (error) {
    if (status !== 'error') throw new Error(`--report: not the JSON of slipway drift: ${String(error)}`);
  }
  if (!doc) {
    if (status !== 'error')
      throw new Error(`--report: slipway drift printed no report, yet --status is ${status}`);
    return `slipway drift ${environment} printed no report: it stopped before drift detection (see its error line in the log).\n`;
  }
  if (doc.version !== 1 || doc.environment !== environment) {
    throw new Error(
      `--report: a version ${doc.version} report for "${doc.environment}", not version 1 for "${environment}"`,
    );
  }
  if (doc.outcome !== status) {
    throw new Error(
      `--status ${status} disagrees with the report's outcome "${doc.outcome}"; no issue was touched`,
    );
  }
  return formatDriftReport(doc);
}

function runUrl(): string | undefined {
  const { GITHUB_RUN_ID, GITHUB_SERVER_URL, GITHUB_REPOSITORY } = process.env;
  return GITHUB_RUN_ID
    ? `${GITHUB_SERVER_URL ?? 'https://github.com'}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
    : undefined;
}

async function main() {
  const { values } = parseArgs({
    options: { environment: { type: 'string' }, status: { type: 'string' }, report: { type: 'string' } },
  });
  const environment = values.environment ?? '';
  if (!/^[a-z][a-z0-9-]*$/.test(environment)) throw new Error(`--environment: got "${environment}"`);
  const status = values.status as DriftStatus;
  if (!STATUSES.includes(status)) {
    throw new Error(`--status: got "${values.status}"; ${STATUSES.join(', ')}`);
  }
  const json = values.report && existsSync(values.report) ? readFileSync(values.report, 'utf8') : undefined;
  const report = driftReport(environment, status, json);
  console.log(report);
  appendSummary(`### Drift: ${environment}\n\n\`\`\`\n${report}\`\`\``);
  if (status === 'error') return;
  const client = GitHubClient.fromEnv();
  if (status === 'clean') {
    const closed = await client.closeIssue(
      `drift:${environment}`,
      [DRIFT_LABEL],
      `No drift in ${environment} any more (${runUrl() ?? 'latest run'}).`,
    );
    console.log(closed ? `closed drift issue #${closed}` : `no open drift issue for ${environment}`);
    return;
  }
  const issue = driftIssue(environment, report, runUrl());
  const number = await client.upsertIssue(issue.marker, issue.title, issue.body, [DRIFT_LABEL]);
  console.log(`drift issue #${number} opened/updated for ${environment}`);
}

if (isMain(import.meta.url)) run(main);
