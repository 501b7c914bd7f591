import type { EnvironmentConfig, ServiceOverride, ServicesConfig } from '../types.ts';
import type { ResolvedService } from './resolve.ts';

/*
 * The services of a pull-request preview: every one at the cheapest size, and registered in the
 * base environment's Cloud Map namespace (which the preview shares) under names of their own, so
 * a preview's `api` never answers for the base's.
 */

/** The base's per-service settings with every size turned down to a preview's (as `service` is). */
export function previewServiceSettings(
  base: EnvironmentConfig,
  services: ServicesConfig,
): Record<string, ServiceOverride> {
  return Object.fromEntries(
    Object.entries(services).map(([name, service]) => {
      const own = base.services?.[name] ?? { environment: {} };
      const cheapest = { ...own, cpu: 256, memoryMiB: 512, capacity: 'spot' as const };
      if (service.type === 'job') return [name, cheapest];
      // A worker still scales to zero; a web or backend service runs one task.
      const minTasks = service.type === 'worker' ? 0 : 1;
      return [name, { ...cheapest, minTasks, maxTasks: 1 }];
    }),
  );
}

/**
 * A preview's services, renamed in Cloud Map: the default web service takes the preview's name
 * (as `resolved.service.discoveryName` always has), every other one `<service>-<preview>`.
 */
export function previewServices(
  services: readonly ResolvedService[],
  preview: string,
  namespace: string,
): ResolvedService[] {
  return services.map((s) => {
    if (s.type === 'web')
      return { ...s, discoveryName: s.route === undefined ? preview : `${s.name}-${preview}` };
    if (s.type === 'backend') {
      const discoveryName = `${s.name}-${preview}`;
      return { ...s, discoveryName, dnsName: `${discoveryName}.${namespace}` };
    }
    return s;
  });
}
