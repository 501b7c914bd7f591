import { describe, expect, it } from 'vitest';
import {
  backendUrlVariable,
  repositoryName,
  SERVICE_NAME_PATTERN,
  serviceConstructId,
  serviceDnsName,
  serviceLogGroupName,
  serviceNamespace,
  serviceParameters,
} from './index.ts';

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

describe('per-service names', () => {
  it('keeps the default web service on its single-service names and gives every other its own', () => {
    expect(serviceConstructId('web', true)).toBe('Web');
    expect(serviceConstructId('nightly-report', false)).toBe('ServiceNightlyReport');
    expect(serviceLogGroupName('shop', 'dev', 'web', true)).toBe('/shop/dev/service');
    expect(serviceLogGroupName('shop', 'dev', 'api', false)).toBe('/shop/dev/services/api');
    expect(repositoryName('shop', 'web', true)).toBe('shop');
    expect(repositoryName('shop', 'admin', false)).toBe('shop-admin');
  });

  it('puts every parameter of a service under services/<name>/ and names backend URL variables', () => {
    expect(Object.values(serviceParameters('api')).every((k) => k.startsWith('services/api/'))).toBe(true);
    expect(new Set(Object.values(serviceParameters('api'))).size).toBe(
      Object.keys(serviceParameters('api')).length,
    );
    expect(backendUrlVariable('order-api')).toBe('ORDER_API_URL');
  });
});
