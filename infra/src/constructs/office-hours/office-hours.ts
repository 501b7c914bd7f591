import { expandDays, formatDays, minutesOfDay } from '@slipway/config';
import { OFFICE_HOURS_ACTIONS } from '@slipway/config/contract';
import { type CfnCondition, Duration, Fn, Stack, TimeZone, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';

/** An ECS service that runs only inside office hours. */
export interface ScheduledService {
  /** Name used in the scheduled actions' ids, e.g. `Web`. */
  readonly name: string;
  /** The service's Application Auto Scaling target (`service.autoScaleTaskCount(...)`). */
  readonly scaling: ecs.ScalableTaskCount;
  /** Fewest tasks inside office hours (the target's usual minimum). */
  readonly minTasks: number;
  /** Most tasks inside office hours (the target's usual maximum). */
  readonly maxTasks: number;
  /**
   * Scale up at the start only while this condition holds, to zero otherwise (the service's
   * `HasImage`: no image released yet means no tasks, office hours or not).
   * @default always scales up at the start
   */
  readonly runWhen?: CfnCondition;
}

export interface OfficeHoursProps {
  /** Days it runs, a cron day-of-week field in SUN..SAT order: `MON-FRI`, `MON,WED,FRI`. */
  readonly days: string;
  /** Local time the services scale up, `HH:MM` (24-hour). */
  readonly start: string;
  /** Local time the services scale to zero, `HH:MM`, at least an hour after `start`. */
  readonly stop: string;
  /**
   * IANA time zone of `start` and `stop`; schedules follow its daylight saving time.
   * @default 'UTC'
   */
  readonly timezone?: string;
  /**
   * Minutes before `start` the database and the instances start, so the tasks find them running
   * (RDS takes several minutes to become available).
   * @default 10
   */
  readonly leadMinutes?: number;
  /**
   * Minutes after `stop` the database and the instances stop, once the tasks have drained.
   * @default 5
   */
  readonly lagMinutes?: number;
  /**
   * ECS services to scale to zero outside office hours and back to their bounds inside.
   * @default - no service is scaled
   */
  readonly services?: ScheduledService[];
  /**
   * RDS instances to stop outside office hours (storage is kept and still billed).
   * @default - no database is stopped
   */
  readonly databases?: rds.IDatabaseInstance[];
  /**
   * EC2 instances (the NAT instance) to stop outside office hours. An auto-assigned public IPv4
   * address is released while stopped; an Elastic IP would be billed all the same.
   * @default - no instance is stopped
   */
  readonly instances?: ec2.IInstance[];
  /**
   * Text for the schedules' descriptions, e.g. the environment's prefix.
   * @default 'Slipway'
   */
  readonly label?: string;
}

/** A schedule as the cron fields of AWS cron expressions (`cron(min hour ? * days *)`). */
export interface OfficeHoursCron {
  readonly minute: string;
  readonly hour: string;
  readonly weekDay: string;
}

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const DAY_FIELD =
  /^(SUN|MON|TUE|WED|THU|FRI|SAT)(-(SUN|MON|TUE|WED|THU|FRI|SAT))?(,(SUN|MON|TUE|WED|THU|FRI|SAT)(-(SUN|MON|TUE|WED|THU|FRI|SAT))?)*$/;
const MINUTES_PER_DAY = 24 * 60;

/**
 * `days` at `minutes` after midnight, shifted by `offset` minutes: a start 10 minutes before
 * 00:05 on MON-FRI runs at 23:55 on SUN-THU.
 */
export function cronAt(days: string, minutes: number, offset = 0): OfficeHoursCron {
  const t = minutes + offset;
  const dayShift = Math.floor(t / MINUTES_PER_DAY);
  const m = ((t % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  const weekDays = expandDays(days).map((d) => (((d + dayShift) % 7) + 7) % 7);
  return { minute: String(m % 60), hour: String(Math.floor(m / 60)), weekDay: formatDays(weekDays) };
}

/**
 * Office hours for one stack's share of an environment: ECS services scale to zero outside them
 * (Application Auto Scaling scheduled actions on their existing scalable targets), and RDS and
 * EC2 instances stop (EventBridge Scheduler schedules calling `rds:stopDBInstance` /
 * `ec2:stopInstances` and their start twins, through a role that may act on those instances
 * only). The database and the instances start `leadMinutes` before the services and stop
 * `lagMinutes` after them.
 *
 * The schedules are edges, not a state: they act at the start and the stop, and whatever
 * happens in between (a deploy outside hours wakes the environment, see docs/infrastructure.md)
 * stays until the next edge. RDS starts a stopped instance by itself after seven days; a
 * schedule with at least one day a week starts it earlier anyway, and stops it again that evening.
 */
/** What every schedule's description and expression share. */
interface Edge {
  readonly label: string;
  /** `MON-FRI 08:00-18:00 Europe/London`, for descriptions. */
  readonly window: string;
  readonly timeZone: TimeZone;
}

export class OfficeHours extends Construct {
  /** When the services scale up and down, and when the database and instances start and stop. */
  readonly crons: {
    readonly servicesUp: OfficeHoursCron;
    readonly servicesDown: OfficeHoursCron;
    readonly instancesStart: OfficeHoursCron;
    readonly instancesStop: OfficeHoursCron;
  };
  /** The role EventBridge Scheduler assumes to stop and start the database and instances. */
  readonly role: iam.Role | undefined;
  readonly schedules: scheduler.Schedule[] = [];

  constructor(scope: Construct, id: string, props: OfficeHoursProps) {
    super(scope, id);
    validate(props);
    const timezone = props.timezone ?? 'UTC';
    const start = minutesOfDay(props.start);
    const stop = minutesOfDay(props.stop);
    const lead = props.leadMinutes ?? 10;
    const lag = props.lagMinutes ?? 5;
    this.crons = {
      servicesUp: cronAt(props.days, start),
      servicesDown: cronAt(props.days, stop),
      instancesStart: cronAt(props.days, start, -lead),
      instancesStop: cronAt(props.days, stop, lag),
    };
    const window = `${props.days} ${props.start}-${props.stop} ${timezone}`;
    const label = props.label ?? 'Slipway';

    for (const service of props.services ?? []) this.scheduleService(service, TimeZone.of(timezone));

    const databases = props.databases ?? [];
    const instances = props.instances ?? [];
    if (databases.length === 0 && instances.length === 0) return;

    this.role = this.createSchedulerRole(label);
    const edge: Edge = { label, window, timeZone: TimeZone.of(timezone) };
    this.scheduleDatabases(databases, edge);
    this.scheduleInstances(instances, edge);
  }

  /** The role EventBridge Scheduler assumes, for this account's default schedule group only. */
  private createSchedulerRole(label: string): iam.Role {
    const stack = Stack.of(this);
    return new iam.Role(this, 'SchedulerRole', {
      description: `EventBridge Scheduler: stops and starts ${label}'s database and NAT instance outside office hours`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          // Confused deputy: only schedules of this account's default group may assume it.
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        },
      }),
    });
  }

  /** One schedule that calls `target` at `cron`, allowed `target.iamAction` on `resourceArn` only. */
  private addSchedule(
    edge: Edge,
    scheduleId: string,
    cron: OfficeHoursCron,
    description: string,
    target: { service: string; action: string; input: Record<string, unknown>; iamAction: string },
    resourceArn: string,
  ): scheduler.Schedule {
    const s = new scheduler.Schedule(this, scheduleId, {
      description: `${edge.label}: ${description} (office hours ${edge.window})`,
      schedule: scheduler.ScheduleExpression.cron({ ...cron, timeZone: edge.timeZone }),
      target: new targets.Universal({
        service: target.service,
        action: target.action,
        input: scheduler.ScheduleTargetInput.fromObject(target.input),
        role: this.role,
        policyStatements: [
          new iam.PolicyStatement({ actions: [target.iamAction], resources: [resourceArn] }),
        ],
        // An edge that fails (the instance is still starting) is not retried for hours: a late
        // stop would put an environment to sleep that a deploy has just woken.
        retryAttempts: 2,
        maxEventAge: Duration.minutes(30),
      }),
    });
    this.schedules.push(s);
    return s;
  }

  private scheduleDatabases(databases: NonNullable<OfficeHoursProps['databases']>, edge: Edge): void {
    databases.forEach((db, i) => {
      const suffix = databases.length === 1 ? '' : String(i);
      const input = { DBInstanceIdentifier: db.instanceIdentifier };
      this.addSchedule(
        edge,
        `StartDatabase${suffix}`,
        this.crons.instancesStart,
        'start the database',
        { service: 'rds', action: 'startDBInstance', input, iamAction: 'rds:StartDBInstance' },
        db.instanceArn,
      );
      this.addSchedule(
        edge,
        `StopDatabase${suffix}`,
        this.crons.instancesStop,
        'stop the database',
        { service: 'rds', action: 'stopDBInstance', input, iamAction: 'rds:StopDBInstance' },
        db.instanceArn,
      );
    });
  }

  private scheduleInstances(instances: NonNullable<OfficeHoursProps['instances']>, edge: Edge): void {
    const stack = Stack.of(this);
    instances.forEach((instance, i) => {
      const suffix = instances.length === 1 ? '' : String(i);
      const arn = stack.formatArn({
        service: 'ec2',
        resource: 'instance',
        resourceName: instance.instanceId,
      });
      const input = { InstanceIds: [instance.instanceId] };
      // The root volume is encrypted with the AWS managed key aws/ebs, whose key policy lets EC2 use
      // it for any principal of the account: starting the instance needs no KMS statement here.
      this.addSchedule(
        edge,
        `StartInstance${suffix}`,
        this.crons.instancesStart,
        'start the NAT instance',
        { service: 'ec2', action: 'startInstances', input, iamAction: 'ec2:StartInstances' },
        arn,
      );
      this.addSchedule(
        edge,
        `StopInstance${suffix}`,
        this.crons.instancesStop,
        'stop the NAT instance',
        { service: 'ec2', action: 'stopInstances', input, iamAction: 'ec2:StopInstances' },
        arn,
      );
    });
  }

  /** Two scheduled actions on the service's scalable target: its bounds at the start, zero at the stop. */
  private scheduleService(service: ScheduledService, timeZone: TimeZone) {
    const inside = (n: number) =>
      service.runWhen ? Token.asNumber(Fn.conditionIf(service.runWhen.logicalId, n, 0)) : n;
    service.scaling.scaleOnSchedule(`${service.name}${OFFICE_HOURS_ACTIONS.start}`, {
      schedule: appscaling.Schedule.cron(this.crons.servicesUp),
      minCapacity: inside(service.minTasks),
      maxCapacity: inside(service.maxTasks),
      timeZone,
    });
    service.scaling.scaleOnSchedule(`${service.name}${OFFICE_HOURS_ACTIONS.stop}`, {
      schedule: appscaling.Schedule.cron(this.crons.servicesDown),
      minCapacity: 0,
      maxCapacity: 0,
      timeZone,
    });
  }
}

function validate(props: OfficeHoursProps) {
  const fail = (message: string) => {
    throw new Error(`OfficeHours: ${message}`);
  };
  if (!DAY_FIELD.test(props.days))
    fail(`days must be a cron day-of-week field such as MON-FRI or MON,WED,FRI, got "${props.days}"`);
  try {
    expandDays(props.days);
  } catch {
    fail(`days must list ranges in SUN..SAT order (e.g. SUN,FRI-SAT, not FRI-SUN), got "${props.days}"`);
  }
  for (const key of ['start', 'stop'] as const) {
    if (!HH_MM.test(props[key])) fail(`${key} must be a 24-hour time HH:MM, got "${props[key]}"`);
  }
  if (minutesOfDay(props.stop) - minutesOfDay(props.start) < 60)
    fail(`stop must be at least 60 minutes after start on the same day, got ${props.start}-${props.stop}`);
  if (props.timezone !== undefined && !/^[A-Za-z][A-Za-z0-9_+/-]*$/.test(props.timezone))
    fail(`timezone must be an IANA time zone name such as Europe/London, got "${props.timezone}"`);
  for (const key of ['leadMinutes', 'lagMinutes'] as const) {
    const v = props[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 120))
      fail(`${key} must be a whole number of minutes from 0 to 120, got ${v}`);
  }
  const services = props.services ?? [];
  for (const s of services) {
    if (!(s.minTasks >= 0 && s.maxTasks >= 1 && s.minTasks <= s.maxTasks))
      fail(
        `services["${s.name}"] needs 0 ≤ minTasks ≤ maxTasks and maxTasks ≥ 1, got ${s.minTasks}/${s.maxTasks}`,
      );
  }
  if (new Set(services.map((s) => s.name)).size !== services.length)
    fail(`services need distinct names, got ${services.map((s) => s.name).join(', ')}`);
  if (services.length === 0 && !props.databases?.length && !props.instances?.length)
    fail('nothing to schedule: give services, databases or instances');
}
