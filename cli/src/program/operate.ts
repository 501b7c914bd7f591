import { type Command, Option } from 'commander';
import type { CommandContext } from './context.ts';
import { nonEmpty } from './values.ts';

/** `status`, `logs`, `exec` and `doctor`: looking at and into a running environment. */
export function registerOperateCommands(program: Command, { io, config, run }: CommandContext): void {
  program
    .command('status')
    .description('deployments in progress, tasks, image, target health, last events')
    .argument('<env>')
    .option('--json', 'machine-readable output on stdout')
    .action(
      run(async (env: string, opts: { json?: boolean }) => {
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
    .description("the service's logs")
    .argument('<env>')
    .option('--follow', 'keep printing new events')
    .addOption(new Option('--since <duration>', 'how far back: 30s, 10m, 2h, 1d').default('10m'))
    .action(
      run(async (env: string, opts: { follow?: boolean; since: string }) => {
        const loaded = await config();
        const { logsCommand } = await import('../commands/logs.ts');
        return logsCommand(loaded, env, opts, io);
      }),
    );

  program
    .command('exec')
    .description('a shell in a running task (ECS Exec)')
    .argument('<env>')
    .option('--command <cmd>', 'command to run', nonEmpty, '/bin/sh')
    .action(
      run(async (env: string, opts: { command: string }) => {
        const loaded = await config();
        const { execCommand } = await import('../commands/exec.ts');
        return execCommand(loaded, env, opts, io);
      }),
    );

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
