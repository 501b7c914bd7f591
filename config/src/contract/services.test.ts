import { describe, expect, it } from 'vitest';
import { SERVICE_NAME_PATTERN, serviceDnsName, serviceNamespace } from './index.ts';

describe('service names', () => {
  it('names a backend <service>.<env>.internal, inside the environment namespace', () => {
    expect(serviceDnsName('api', 'pr-42')).toBe('api.pr-42.internal');
    expect(serviceDnsName('api', 'dev').endsWith(`.${serviceNamespace('dev')}`)).toBe(true);
  });

  it.each([
    ['web', true],
    ['image-resizer2', true],
    ['a'.repeat(20), true],
    ['a'.repeat(21), false],
    ['2web', false],
    ['Web', false],
    ['web_api', false],
  ])('%s is a service name: %s', (name, valid) => {
    expect(SERVICE_NAME_PATTERN.test(name)).toBe(valid);
  });
});
