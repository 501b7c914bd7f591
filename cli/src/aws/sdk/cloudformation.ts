import {
  type CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import type { Template } from '../../synth/template.ts';
import type { CloudFormationApi } from '../api.ts';
import { isNotFound } from './errors.ts';

/** Stacks: status, the deployed template and recent events. */
export function cloudFormationApi(cfn: CloudFormationClient): CloudFormationApi {
  return {
    async describeStack(name) {
      try {
        const out = await cfn.send(new DescribeStacksCommand({ StackName: name }));
        const s = out.Stacks?.[0];
        if (!s || s.StackStatus === 'DELETE_COMPLETE') return undefined;
        return {
          name: s.StackName ?? name,
          status: s.StackStatus ?? 'UNKNOWN',
          reason: s.StackStatusReason,
          updatedAt: s.LastUpdatedTime ?? s.CreationTime,
        };
      } catch (e) {
        if (isNotFound(e, 'ValidationError')) return undefined;
        throw e;
      }
    },
    async getTemplate(name) {
      try {
        const out = await cfn.send(new GetTemplateCommand({ StackName: name, TemplateStage: 'Original' }));
        if (!out.TemplateBody) return undefined;
        const body = out.TemplateBody.trim();
        if (body.startsWith('{')) return JSON.parse(body) as Template;
        const { parse } = await import('yaml');
        return parse(body) as Template;
      } catch (e) {
        if (isNotFound(e, 'ValidationError')) return undefined;
        throw e;
      }
    },
    async stackEvents(name, limit) {
      const out = await cfn.send(new DescribeStackEventsCommand({ StackName: name }));
      return (out.StackEvents ?? []).slice(0, limit).map((e) => ({
        time: e.Timestamp ?? new Date(0),
        logicalId: e.LogicalResourceId ?? '',
        type: e.ResourceType ?? '',
        status: e.ResourceStatus ?? '',
        reason: e.ResourceStatusReason,
      }));
    },
  };
}
