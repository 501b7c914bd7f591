import { viewerAddressPattern } from '@slipway/config/contract';
import type { ToolServiceProps } from './tool-service.ts';

/** ECS's largest container health check start period. */
const MAX_START_PERIOD_SECONDS = 300;

/** Fails at synth naming the prop and what is allowed. */
export function validateToolProps(props: ToolServiceProps) {
  const fail = (message: string) => {
    throw new Error(`ToolService: ${message}`);
  };
  if (!/^[a-z][a-z0-9-]{1,30}$/.test(props.name))
    fail(`name must be lowercase letters, digits and "-", got "${props.name}"`);
  if (!props.healthPath.startsWith(`/${props.name}/`))
    fail(`healthPath must be under /${props.name}/ (the route's path), got "${props.healthPath}"`);
  if (
    !(
      Number.isInteger(props.startSeconds) &&
      props.startSeconds >= 0 &&
      props.startSeconds <= MAX_START_PERIOD_SECONDS
    )
  )
    fail(
      `startSeconds must be 0-${MAX_START_PERIOD_SECONDS} (the ECS health check start period limit), got ${props.startSeconds}`,
    );
  const timeout = props.healthTimeoutSeconds ?? 5;
  if (!(Number.isInteger(timeout) && timeout >= 2 && timeout < 30))
    fail(`healthTimeoutSeconds must be 2-29 (below the 30 s check interval), got ${timeout}`);
  if (!(Number.isInteger(props.port) && props.port >= 1024 && props.port <= 65535))
    fail(`port must be 1024-65535 (the tools run as non-root users), got ${props.port}`);
  const tasks = props.tasks ?? { min: 1, max: 1 };
  if (
    !(
      Number.isInteger(tasks.min) &&
      Number.isInteger(tasks.max) &&
      tasks.min >= 0 &&
      tasks.max >= Math.max(1, tasks.min)
    )
  )
    fail(`tasks must be whole numbers with 0 <= min <= max and max >= 1, got ${tasks.min}-${tasks.max}`);
  if (props.fileSystem && tasks.max > 1)
    fail(`tasks.max must be 1 with a file system (SQLite allows one writer), got ${tasks.max}`);
  if (props.route) {
    const { priority, allowedCidrs } = props.route;
    if (!(Number.isInteger(priority) && priority >= 1 && priority < 1000))
      fail(`route.priority must be 1-999 (the app's catch-all rule is 1000), got ${priority}`);
    if (allowedCidrs.length < 1 || allowedCidrs.length > 4)
      fail(
        `route.allowedCidrs must hold 1 to 4 CIDRs (an ALB rule evaluates at most 5 values), got ${allowedCidrs.length}`,
      );
  }
}

/** The `CloudFront-Viewer-Address` pattern of a CIDR (validation refuses the others, SW142). */
export function viewerPattern(cidr: string): string {
  const pattern = viewerAddressPattern(cidr);
  if (pattern === undefined)
    throw new Error(`ToolService: route.allowedCidrs must end on an octet (/8, /16, /24, /32), got ${cidr}`);
  return pattern;
}
