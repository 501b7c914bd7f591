export { executionBudgetMinutes, ScheduledJob, type ScheduledJobProps } from './scheduled-job.ts';
