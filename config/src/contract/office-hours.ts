/**
 * Office hours' scheduled scaling actions are named `<service name>` + these. The CDK construct
 * creates them, and `slipway deploy` finds a sleeping service's office-hours bounds by the start
 * action's name.
 */
export const OFFICE_HOURS_ACTIONS = { start: 'OfficeHoursStart', stop: 'OfficeHoursStop' } as const;
