export {
  BACKEND_PORT_NAME,
  BackendService,
  type BackendServiceProps,
  connectClient,
} from './backend-service.ts';
