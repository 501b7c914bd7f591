import { describe, expect, it } from 'vitest';
import {
  producerQueueVariable,
  SERVICE_NAME_PATTERN,
  serviceDnsName,
  serviceNamespace,
  WORKER_QUEUE_VARIABLE,
} from './index.ts';

describe('service names', () => {
  it('names a backend <service>.<env>.internal, inside the environment namespace', () => {
    expect(serviceDnsName('api', 'pr-42')).toBe('api.pr-42.internal');
    expect(serviceDnsName('api', 'dev').endsWith(`.${serviceNamespace('dev')}`)).toBe(true);
  });

  it('gives a worker QUEUE_URL and its producers <WORKER_UPPER_SNAKE>_QUEUE_URL', () => {
    expect(WORKER_QUEUE_VARIABLE).toBe('QUEUE_URL');
    expect(producerQueueVariable('image-resizer')).toBe('IMAGE_RESIZER_QUEUE_URL');
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
