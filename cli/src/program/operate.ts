import { type Command, Option } from 'commander';
import type { CommandContext } from './context.ts';
import { nonEmpty } from './values.ts';

/** The `--service <name>` option of the commands that look at one service or all. */
const SERVICE_HELP = 'one service (default: every service)';

/** `status`, `logs`, `exec`, `run` and `doctor`: looking at and into a running environment. */
export function registerOperateCommands(program: Command, { io, config, run }: CommandContext): void {
  program
    .command('status')
    .description(
      'deployments in progress, tasks, image, target health, last events; jobs: schedule, last runs',
    )
    .argument('<env>')
    .option('--service <name>', SERVICE_HELP, nonEmpty)
    .option('--json', 'machine-readable output on stdout')
    .action(
      run(async (env: string, opts: { json?: boolean; service?: string }) => {
        const loaded = await config();
        const { statusCommand } = await import('../commands/status.ts');
        return statusCommand(loaded, env, opts, io);
      }),
    );

  program
    .command('drift')
    .description('drift detection: live resources against their templates, minus what AWS changes on purpose')
    .argument('<env>')
    .option('--json', 'machine-readable output on stdout')
    .action(
      run(async (env: string, opts: { json?: boolean }) => {
        const loaded = await config();
        const { driftCommand } = await import('../commands/drift/index.ts');
        return driftCommand(loaded, env, opts, io);
      }),
    );

  program
    .command('logs')
    .description('the logs of every service, interleaved with a service prefix (or of one with --service)')
    .argument('<env>')
    .option('--service <name>', SERVICE_HELP, nonEmpty)
    .option('--follow', 'keep printing new events')
    .addOption(new Option('--since <duration>', 'how far back: 30s, 10m, 2h, 1d').default('10m'))
    .action(
      run(async (env: string, opts: { follow?: boolean; since: string; service?: string }) => {
        const loaded = await config();
        const { logsCommand } = await import('../commands/logs.ts');
        return logsCommand(loaded, env, opts, io);
      }),
    );

  registerIntoTaskCommands(program, { io, config, run });
  registerDoctorCommand(program, { io, config, run });
}

/** `exec` and `run`: into a running task, or a job's task started now. */
function registerIntoTaskCommands(program: Command, { io, config, run }: CommandContext): void {
  program
    .command('exec')
    .description('a shell in a running task (ECS Exec)')
    .argument('<env>')
    .option(
      '--service <name>',
      'the web, backend or worker service (default: the only one; needed when there are several)',
      nonEmpty,
    )
    .option('--command <cmd>', 'command to run', nonEmpty, '/bin/sh')
    .action(
      run(async (env: string, opts: { command: string; service?: string }) => {
        const loaded = await config();
        const { execCommand } = await import('../commands/exec.ts');
        return execCommand(loaded, env, opts, io);
      }),
    );

  program
    .command('run')
    .description("run a job now and follow it: its task, its log lines, its container's exit code")
    .argument('<env>')
    .argument('<job>')
    .option('--no-follow', 'start the run and return (it goes on in AWS)')
    .option('--json', 'machine-readable result on stdout (log lines go to stderr)')
    .action(
      run(async (env: string, job: string, opts: { follow: boolean; json?: boolean }) => {
        const loaded = await config();
        const { runCommand } = await import('../commands/run.ts');
        return runCommand(loaded, env, job, opts, io);
      }),
    );
}

/** `doctor`: the machine's and the account's prerequisites. */
function registerDoctorCommand(program: Command, { io, config, run }: CommandContext): void {
  program
    .command('doctor')
    .description('local prerequisites; with an environment and credentials, the account prerequisites too')
    .argument('[env]')
    .action(
      run(async (env: string | undefined) => {
        const { doctorCommand } = await import('../commands/doctor.ts');
        return doctorCommand(env ? await config() : undefined, env, io);
      }),
    );
}
