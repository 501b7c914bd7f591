import type { AwsApis } from '@slipway/cli/src/aws/api.ts';
import type { FakeState } from './fake-aws.ts';

/**
 * The in-memory release lock and audit log: the lock is a parameter in `state.parameters`
 * (created only when absent, as SSM's Overwrite=false does), the audit records are events of
 * `state.logs` under the audit group's name. `state.releaseRecordsDenied` makes both fail as a
 * role without the rights would.
 */
export function fakeReleaseRecords(state: FakeState): Pick<AwsApis, 'lock' | 'audit'> {
  const denied = (action: string) => {
    if (!state.releaseRecordsDenied) return;
    const e = new Error(`User is not authorized to perform: ${action}`);
    e.name = 'AccessDeniedException';
    throw e;
  };
  return {
    lock: {
      async create(name, value) {
        denied('ssm:PutParameter');
        if (state.parameters.has(name)) return false;
        state.parameters.set(name, value);
        return true;
      },
      async read(name) {
        return state.parameters.get(name);
      },
      async remove(name) {
        denied('ssm:DeleteParameter');
        state.parameters.delete(name);
      },
    },
    audit: {
      async append(group, stream, event) {
        denied('logs:PutLogEvents');
        state.logs.set(group, [...(state.logs.get(group) ?? []), { ...event, stream }]);
      },
      async newest(group, stream, limit) {
        const events = (state.logs.get(group) ?? []).filter((e) => e.stream === stream);
        return events.slice(-limit).reverse();
      },
    },
  };
}
