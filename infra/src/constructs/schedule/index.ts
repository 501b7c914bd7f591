export {
  cronAt,
  OFFICE_HOURS_ACTIONS,
  OfficeHours,
  type OfficeHoursCron,
  type OfficeHoursProps,
  type ScheduledService,
} from './office-hours.ts';
