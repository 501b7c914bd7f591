/*
 * One updated pull-request comment per purpose (e.g. the preview URL):
 *
 *   npx tsx scripts/ci/comment.ts --pr 42 --marker preview --body "Preview: http://…"
 */
import { parseArgs } from 'node:util';
import { isMain, run } from './actions.ts';
import { GitHubClient } from './github.ts';

async function main() {
  const { values } = parseArgs({
    options: { pr: { type: 'string' }, marker: { type: 'string' }, body: { type: 'string' } },
  });
  const pr = Number(values.pr);
  if (!Number.isInteger(pr) || pr <= 0) throw new Error(`--pr: got "${values.pr}"; a pull request number`);
  if (!values.marker || !values.body)
    throw new Error('usage: comment.ts --pr <n> --marker <name> --body <text>');
  const id = await GitHubClient.fromEnv().upsertComment(pr, values.marker, values.body);
  console.log(`comment ${id} updated on #${pr}`);
}

if (isMain(import.meta.url)) run(main);
