/** `nightly-report` → `NightlyReport` (construct ids of a service's parts). */
export function pascal(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
