import { describe, expect, it } from 'vitest';
import { producerQueueVariable, WORKER_QUEUE_URL_VARIABLE, workerAlarmName } from './worker.ts';

describe('worker names', () => {
  it('hands the worker its queue in QUEUE_URL and a producer <NAME>_QUEUE_URL', () => {
    expect(WORKER_QUEUE_URL_VARIABLE).toBe('QUEUE_URL');
    expect(producerQueueVariable('email-sender')).toBe('EMAIL_SENDER_QUEUE_URL');
    expect(producerQueueVariable('thumbs2')).toBe('THUMBS2_QUEUE_URL');
  });

  it('names the alarms through monitoringName', () => {
    expect(workerAlarmName('shop-prod', 'email-sender', 'deadLetters')).toBe(
      'shop-prod-alarm-worker-email-sender-dead-letters',
    );
    expect(workerAlarmName('shop-prod', 'email-sender', 'oldestMessage')).toBe(
      'shop-prod-alarm-worker-email-sender-oldest-message',
    );
  });

  it('refuses a name that would not make a variable or an alarm name', () => {
    for (const bad of ['Email', 'email_sender', '-x', 'x-', 'a--b', '2x', ''])
      expect(() => producerQueueVariable(bad), bad).toThrow(/worker name must be lower-case/);
  });
});
