/*
 * `slipway doctor <env>`'s approval line (doctor-check.ts), against a local fake GitHub REST API:
 *   - an environment without approval (dev) → ok, no request
 *   - prod with required reviewers and self-review prevented → ok, naming them; the repository
 *     comes from the config's `github` when $GITHUB_REPOSITORY is unset
 *   - prod without reviewers → fail (SW265); prod without a token → fail (SW266), fails closed
 *   - `doctor prod` prints the line and exits with SW218 when it fails
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SlipwayConfig } from '@slipway/config';
import { fakeAws, fakeState } from '@slipway/testing/cli/fake-aws';
import { shippedAssembly, shippedConfig } from '@slipway/testing/cli/fixtures';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { doctorCommand } from '../commands/doctor.ts';
import { CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import { approvalDoctorCheck } from './doctor-check.ts';

let server: Server;
let apiUrl: string;
let body: unknown;
let requests: IncomingMessage[];
let config: SlipwayConfig;

beforeAll(async () => {
  config = await shippedConfig();
  server = createServer((req, res) => {
    requests.push(req);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  requests = [];
});

const rules = (reviewers: unknown[]) => ({
  name: 'prod',
  protection_rules: [{ id: 2, type: 'required_reviewers', prevent_self_review: true, reviewers }],
});
const alice = { type: 'User', reviewer: { login: 'alice', id: 1 } };

describe("doctor's approval check", () => {
  it('passes an environment that needs no approval without asking GitHub', async () => {
    const check = await approvalDoctorCheck(config, 'dev', { apiUrl, token: 't' });
    expect(check).toEqual({ name: 'approval', result: 'ok', detail: 'dev needs no approval' });
    expect(requests).toHaveLength(0);
  });

  it("passes prod's reviewers, reading the repository from the config", async () => {
    body = rules([alice]);
    const check = await approvalDoctorCheck(config, 'prod', { apiUrl, token: 't' });
    expect(check.result).toBe('ok');
    expect(check.detail).toContain('alice');
    expect(requests[0]?.url).toBe(
      `/repos/${config.github?.owner}/${config.github?.repository}/environments/prod`,
    );
  });

  it('fails prod without reviewers, and without a token (closed)', async () => {
    body = rules([]);
    const none = await approvalDoctorCheck(config, 'prod', { apiUrl, token: 't' });
    expect(none).toMatchObject({ result: 'fail', detail: expect.stringMatching(/^SW265: /) });
    const noToken = await approvalDoctorCheck(config, 'prod', { apiUrl });
    expect(noToken).toMatchObject({
      result: 'fail',
      detail: expect.stringMatching(/^SW266: .*GITHUB_TOKEN/),
    });
    expect(noToken.fix).toContain('GITHUB_TOKEN');
  });

  it('is a line of `slipway doctor prod`, whose failure is SW218', async () => {
    body = rules([]);
    const state = fakeState('333333333333');
    state.parameters.set('/cdk-bootstrap/hnb659fds/version', '33');
    const synthesized = await shippedAssembly();
    const cap = captureIo();
    const error = await doctorCommand(config, 'prod', cap.io, {
      factory: fakeAws(state),
      synth: () => synthesized,
      nodeVersion: '24.22.3',
      sessionManagerPlugin: () => true,
      devTools: {
        run: () => 'version: 0.9.0',
        onPath: (command) => `/usr/bin/${command}`,
        cfnLint: () => 'cfn-lint 1.51.0',
        postgres: async () => undefined,
        testDatabaseUrl: undefined,
      },
      approval: { apiUrl, token: 't' },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(cap.stdout()).toMatch(/✗ approval: SW265: prod needs approval/);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toContain('approval');
  });
});
