import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { errorName } from '../aws/sdk/errors.ts';
import type { AuditApi } from './api.ts';

const exists = (e: unknown) => errorName(e) === 'ResourceAlreadyExistsException';
const missing = (e: unknown) => errorName(e) === 'ResourceNotFoundException';

/**
 * The audit log on CloudWatch Logs. A write goes straight to PutLogEvents; only when the group or
 * stream is missing (the first record of an environment) are they created, the group with its
 * retention, and the write repeated.
 */
export function logsAuditApi(logs: CloudWatchLogsClient): AuditApi {
  const put = (group: string, stream: string, time: Date, message: string) =>
    logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: stream,
        logEvents: [{ timestamp: time.getTime(), message }],
      }),
    );
  return {
    async append(group, stream, event, retentionDays) {
      try {
        await put(group, stream, event.time, event.message);
        return;
      } catch (e) {
        if (!missing(e)) throw e;
      }
      try {
        await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
        await logs.send(
          new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: retentionDays }),
        );
      } catch (e) {
        if (!exists(e)) throw e;
      }
      try {
        await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
      } catch (e) {
        if (!exists(e)) throw e;
      }
      await put(group, stream, event.time, event.message);
    },
    async newest(group, stream, limit) {
      try {
        // startFromHead=false with a limit: the last `limit` events, oldest of them first.
        const out = await logs.send(
          new GetLogEventsCommand({
            logGroupName: group,
            logStreamName: stream,
            startFromHead: false,
            limit,
          }),
        );
        return (out.events ?? [])
          .map((e) => ({ time: new Date(e.timestamp ?? 0), message: e.message ?? '' }))
          .reverse();
      } catch (e) {
        if (missing(e)) return [];
        throw e;
      }
    },
  };
}
