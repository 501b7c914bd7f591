import {
  type IIoHost,
  type IoMessage,
  type IoRequest,
  StackSelectionStrategy,
  Toolkit,
} from '@aws-cdk/toolkit-lib';
import type { Progress } from '../io.ts';

/**
 * CloudFormation deployments of an already synthesized cloud assembly, through the CDK's own
 * programmatic toolkit (@aws-cdk/toolkit-lib): asset publishing, change sets, stack events and
 * rollback are its job. Stacks are selected by construct path (the stack's id in the app).
 */
export interface Deployer {
  /** Deploys the stacks in dependency order; throws when one fails. */
  deploy(stacks: readonly string[]): Promise<void>;
  /** Deletes the stacks (dependents first); throws when one fails. */
  destroy(stacks: readonly string[]): Promise<void>;
}

/**
 * Turns toolkit messages into the progress display: stack events and steps update the spinner,
 * warnings and errors are printed. Questions are answered for the user: the CLI's own guards
 * (traffic, protection, confirmation) have already run before the toolkit is called.
 */
export function progressIoHost(progress: Progress, err: (text: string) => void): IIoHost {
  return {
    async notify(msg: IoMessage<unknown>) {
      const first = msg.message.split('\n').find((l) => l.trim().length > 0) ?? '';
      const text = first.replace(/\s+/g, ' ').trim().slice(0, 160);
      switch (msg.level) {
        case 'error':
          progress.fail(text);
          err(`${msg.message}\n`);
          break;
        case 'warn':
          progress.warn(text);
          break;
        case 'result':
        case 'info':
          if (text) progress.update(text);
          break;
        default:
          break;
      }
    },
    async requestResponse<T>(msg: IoRequest<unknown, T>): Promise<T> {
      if (typeof msg.defaultResponse === 'boolean') return true as T;
      return msg.defaultResponse;
    },
  };
}

export function toolkitDeployer(
  assemblyDir: string,
  progress: Progress,
  err: (text: string) => void,
): Deployer {
  const toolkit = () => new Toolkit({ ioHost: progressIoHost(progress, err), emojis: false, color: false });
  const selector = (stacks: readonly string[]) => ({
    strategy: StackSelectionStrategy.PATTERN_MUST_MATCH,
    patterns: [...stacks],
  });
  return {
    async deploy(stacks) {
      const tk = toolkit();
      const cx = await tk.fromAssemblyDirectory(assemblyDir);
      // One stack at a time, in dependency order; each stack's change set is executed at once.
      await tk.deploy(cx, {
        stacks: selector(stacks),
        concurrency: 1,
        deploymentMethod: { method: 'change-set' },
      });
    },
    async destroy(stacks) {
      const tk = toolkit();
      const cx = await tk.fromAssemblyDirectory(assemblyDir);
      await tk.destroy(cx, { stacks: selector(stacks), concurrency: 1 });
    },
  };
}
