/*
 * The command line surface (what the pipelines call), without AWS:
 *   - every contracted verb is registered
 *   - an unknown command → exit 2, one SW202 line with the closest command
 *   - an unknown flag → exit 2, one SW202 line naming the flag and the closest one
 *   - an unknown environment → exit 2, one SW201 line with the closest environment
 *   - a missing argument → exit 2, one SW203 line with the usage
 *   - `--help` → exit 0
 *   - an online command without credentials → exit 3, one SW206 line naming the command and the access
 */
// cspell:ignore prdo plna imgae
import { describe, expect, it } from 'vitest';
import { captureIo } from './io.ts';
import { COMMANDS, main } from './main.ts';

async function run(...argv: string[]) {
  const cap = captureIo();
  const code = await main(argv, cap.io);
  return { code, out: cap.stdout(), err: cap.stderr() };
}

describe('slipway', () => {
  it('registers every verb of the contract', () => {
    expect(Object.keys(COMMANDS).sort()).toEqual(
      [
        'ci',
        'deploy',
        'destroy',
        'diff',
        'docs',
        'doctor',
        'drift',
        'exec',
        'history',
        'init',
        'logs',
        'plan',
        'rollback',
        'run',
        'status',
      ].sort(),
    );
  });

  it('refuses an unknown command with the closest one', async () => {
    const r = await run('plna', 'dev');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(
      /^error SW202: unknown command "plna" \(did you mean "plan"\?\).*Next: slipway plan --help/,
    );
  });

  it('refuses an unknown flag with the closest one', async () => {
    const r = await run('deploy', 'dev', '--imgae', 'abc');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('unknown flag "--imgae" (did you mean "--image"?)');
    expect(r.err).toContain('Next: slipway deploy --help');
  });

  it('refuses an unknown environment with the closest one', async () => {
    const r = await run('plan', 'prdo');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      'error SW201: unknown environment "prdo"; slipway.config.ts defines dev, test, staging, prod (and pr-<number> previews) (did you mean "prod"?). Next: slipway plan prod',
    );
  });

  it('refuses a missing argument with the usage', async () => {
    const r = await run('status');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error SW203: missing required argument 'env'\. Next: slipway status <env>/);
  });

  it('prints help and exits 0', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('plan');
    expect(r.out).toContain('destroy');
  });

  it('names the command and the access it needs when there are no credentials', async () => {
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, {
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    try {
      const r = await run('status', 'dev');
      expect(r.code).toBe(3);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(
        /^error SW206: `slipway status dev` needs AWS credentials for account 111111111111 \(us-east-1\)/,
      );
    } finally {
      process.env = saved;
    }
  });
});
