import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { LogsApi } from '../api.ts';

/** Log events of a group, interleaved across its streams, a page at a time. */
export function logsApi(logs: CloudWatchLogsClient): LogsApi {
  return {
    async events(group, { startTime, nextToken, streams }) {
      const out = await logs.send(
        new FilterLogEventsCommand({
          logGroupName: group,
          startTime,
          nextToken,
          logStreamNames: streams ? [...streams] : undefined,
        }),
      );
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
