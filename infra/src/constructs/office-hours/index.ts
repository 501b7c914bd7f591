export {
  cronAt,
  OfficeHours,
  type OfficeHoursCron,
  type OfficeHoursProps,
  type ScheduledService,
} from './office-hours.ts';
