/*
 * `slipway doctor`'s checks of what the tests and benchmarks need, with the tools taken away one at
 * a time through the injected probes:
 *   - everything present: a ✓ line each (PostgreSQL, shellcheck, python3, cfn-lint, moto_server), exit 0
 *   - each one missing: a ✗ line with the command that installs it; doctor still exits 0 and names
 *     what is missing (a deploy needs none of them)
 *   - PostgreSQL down: the address it tried (never a password) and how to install and start it; with
 *     TEST_DATABASE_URL set, that database is the one probed
 *   - a check that blocks a deploy still fails doctor (SW218) and names only itself
 *   - the real probes: a PATH lookup, a command's output, a refused PostgreSQL port
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import { type DoctorDeps, doctorCommand } from './doctor.ts';
import { type DevToolProbes, realDevToolProbes } from './doctor-dev-tools.ts';

const OUTPUTS: Readonly<Record<string, string>> = {
  shellcheck: 'ShellCheck - shell script analysis tool\nversion: 0.9.0\nlicense: GNU GPLv3',
  python3: 'Python 3.11.7',
};

type Tool = 'PostgreSQL' | 'shellcheck' | 'python3' | 'cfn-lint' | 'moto_server';

/** Probes of a machine that has every tool except `missing`. */
function probes(
  missing: readonly Tool[] = [],
  extra: Partial<DevToolProbes> = {},
): DevToolProbes & { tried: string[] } {
  const tried: string[] = [];
  return {
    tried,
    run: (command) => (missing.includes(command as Tool) ? undefined : OUTPUTS[command]),
    onPath: (command) => (missing.includes(command as Tool) ? undefined : `/usr/local/bin/${command}`),
    cfnLint: () => (missing.includes('cfn-lint') ? undefined : 'cfn-lint 1.51.0'),
    postgres: async (url) => {
      tried.push(url);
      return missing.includes('PostgreSQL') ? 'connect ECONNREFUSED 127.0.0.1:5432' : undefined;
    },
    testDatabaseUrl: undefined,
    ...extra,
  };
}

function deps(devTools: DevToolProbes, nodeVersion = '24.22.3'): DoctorDeps {
  return {
    factory: () => {
      throw new Error('offline doctor must not call AWS');
    },
    synth: () => {
      throw new Error('offline doctor must not synthesize');
    },
    nodeVersion,
    sessionManagerPlugin: () => true,
    devTools,
  };
}

async function doctor(devTools: DevToolProbes): Promise<{ code: number; out: string }> {
  const cap = captureIo();
  const code = await doctorCommand(undefined, undefined, cap.io, deps(devTools));
  return { code, out: cap.stdout() };
}

describe('slipway doctor: the tools of the tests and benchmarks', () => {
  it('prints a ✓ line for each tool present and exits 0', async () => {
    const { code, out } = await doctor(probes());
    expect(code).toBe(0);
    expect(out).toContain('For the tests and benchmarks (npm test, npm run bench:service):\n');
    expect(out).toContain('✓ PostgreSQL: 127.0.0.1:5432/test answers\n');
    expect(out).toContain('✓ shellcheck: shellcheck 0.9.0\n');
    expect(out).toContain('✓ python3: Python 3.11.7\n');
    expect(out).toContain('✓ cfn-lint: cfn-lint 1.51.0\n');
    expect(out).toContain('✓ moto_server: /usr/local/bin/moto_server\n');
    expect(out).not.toContain('✗');
    expect(out).not.toContain('Missing for the tests');
  });

  it.each([
    ['shellcheck', 'sudo apt-get install -y shellcheck'],
    ['python3', 'sudo apt-get install -y python3 pipx'],
    ['cfn-lint', 'pipx install cfn-lint (or: python3 -m pip install --user cfn-lint;'],
    ['moto_server', "pipx install 'moto[server]' (or: python3 -m pip install --user 'moto[server]';"],
    [
      'PostgreSQL',
      'sudo apt-get install -y postgresql && sudo pg_ctlcluster $(ls /etc/postgresql) main start, then npm run setup',
    ],
  ] as const)(
    'a missing %s is a ✗ line with the command that installs it, and doctor exits 0',
    async (tool, fix) => {
      const { code, out } = await doctor(probes([tool]));
      expect(code).toBe(0);
      const lines = out.split('\n');
      const at = lines.findIndex((line) => line.startsWith(`✗ ${tool}: `));
      expect(at, out).toBeGreaterThan(-1);
      expect(lines[at + 1]).toContain(`    fix: ${fix}`);
      expect(lines.filter((line) => line.startsWith('✗'))).toHaveLength(1);
      expect(out).toContain(`Missing for the tests: ${tool}; npm run setup installs what it can.`);
    },
  );

  it('says which address PostgreSQL did not answer on, and why', async () => {
    const { out } = await doctor(probes(['PostgreSQL']));
    expect(out).toContain(
      "✗ PostgreSQL: 127.0.0.1:5432/test does not answer: connect ECONNREFUSED 127.0.0.1:5432; the service's tests and the benchmark need it\n",
    );
  });

  it('probes the database TEST_DATABASE_URL names, and never prints its password', async () => {
    const url = 'postgres://ci:hunter2-pw@db.internal:6543/ci_tests';
    const devTools = probes(['PostgreSQL'], { testDatabaseUrl: url });
    const { out } = await doctor(devTools);
    expect(devTools.tried).toEqual([url]);
    expect(out).toContain('✗ PostgreSQL: db.internal:6543/ci_tests does not answer');
    expect(out).toContain(
      'fix: start the database TEST_DATABASE_URL names, or unset it to use 127.0.0.1:5432',
    );
    expect(out).not.toContain('hunter2-pw');
  });

  it('lists every missing tool at once', async () => {
    const { code, out } = await doctor(probes(['PostgreSQL', 'moto_server', 'python3']));
    expect(code).toBe(0);
    expect(out).toContain('Missing for the tests: PostgreSQL, python3, moto_server;');
  });

  it('still fails (SW218) on a check that blocks a deploy, naming only that one', async () => {
    const cap = captureIo();
    const error = await doctorCommand(
      undefined,
      undefined,
      cap.io,
      deps(probes(['shellcheck']), '20.20.2'),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('SW218');
    expect((error as CliError).message).toBe('1 check(s) failed: Node.js');
    expect(cap.stdout()).toContain('✗ shellcheck: not found');
  });
});

describe('the real probes', () => {
  it('find an executable on PATH and read its output', () => {
    expect(realDevToolProbes.onPath('node')).toMatch(/\/node$/);
    expect(realDevToolProbes.onPath('slipway-no-such-tool')).toBeUndefined();
    expect(realDevToolProbes.run(process.execPath, ['--version'])).toBe(process.version);
    expect(realDevToolProbes.run('slipway-no-such-tool', ['--version'])).toBeUndefined();
  });

  it('report why PostgreSQL did not answer on a port nobody listens on', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    expect(await realDevToolProbes.postgres(`postgres://postgres@127.0.0.1:${port}/test`)).toMatch(
      /ECONNREFUSED/,
    );
  });
});
