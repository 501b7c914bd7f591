export { type WorkerQueueSettings, WorkerService, type WorkerServiceProps } from './worker-service.ts';
