import { type Command, Option } from 'commander';
import type { CommandContext } from './context.ts';

/** `status`, `logs`, `exec` and `doctor`: looking at and into a running environment. */
export function registerOperateCommands(program: Command, { io, config, run }: CommandContext): void {
  program
    .command('status')
    .description('deployments in progress, tasks, image, target health, last events')
    .argument('<env>')
    .option('--json', 'machine-readable output on stdout')
    .action(
      run(async (env: string, opts: { json?: boolean }) => {
        const { statusCommand } = await import('../commands/status.ts');
        return statusCommand(await config(), env, opts, io);
      }),
    );

  program
    .command('drift')
    .description('drift detection: live resources against their templates, minus what AWS changes on purpose')
    .argument('<env>')
    .option('--json', 'machine-readable output on stdout')
    .action(
      run(async (env: string, opts: { json?: boolean }) => {
        const { driftCommand } = await import('../commands/drift/index.ts');
        return driftCommand(await config(), env, opts, io);
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
        const { logsCommand } = await import('../commands/logs.ts');
        return logsCommand(await config(), env, opts, io);
      }),
    );

  program
    .command('exec')
    .description('a shell in a running task (ECS Exec)')
    .argument('<env>')
    .option('--command <cmd>', 'command to run', '/bin/sh')
    .action(
      run(async (env: string, opts: { command: string }) => {
        const { execCommand } = await import('../commands/exec.ts');
        return execCommand(await config(), env, opts, io);
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
