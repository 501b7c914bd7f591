import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { LogsApi } from '../api.ts';
import { errorName } from './errors.ts';

/** Log events of a group, interleaved across its streams, a page at a time. */
export function logsApi(logs: CloudWatchLogsClient): LogsApi {
  return {
    async events(group, { startTime, nextToken, streams }) {
      const command = new FilterLogEventsCommand({
        logGroupName: group,
        startTime,
        nextToken,
        logStreamNames: streams ? [...streams] : undefined,
      });
      const out = await logs.send(command).catch((e: unknown) => {
        // A task's stream appears only once its container starts: until then, no events.
        if (streams && errorName(e) === 'ResourceNotFoundException')
          return { events: [], nextToken: undefined };
        throw e;
      });
      return {
        events: (out.events ?? []).map((e) => ({
          time: new Date(e.timestamp ?? 0),
          stream: e.logStreamName ?? '',
          message: (e.message ?? '').replace(/\n$/, ''),
        })),
        nextToken: out.nextToken,
      };
    },
  };
}
