import { describe, expect, it } from 'vitest';
import { producerQueueVariable, WORKER_QUEUE_URL_VARIABLE } from './index.ts';

describe('worker queue variables', () => {
  it('gives the worker its own queue as QUEUE_URL', () => {
    expect(WORKER_QUEUE_URL_VARIABLE).toBe('QUEUE_URL');
  });

  it('names a producer variable after the worker, in upper snake case', () => {
    expect(producerQueueVariable('worker')).toBe('WORKER_QUEUE_URL');
    expect(producerQueueVariable('image-resizer')).toBe('IMAGE_RESIZER_QUEUE_URL');
    expect(producerQueueVariable('imageResizer')).toBe('IMAGE_RESIZER_QUEUE_URL');
  });
});
