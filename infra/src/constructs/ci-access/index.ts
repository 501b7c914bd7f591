export {
  CiAccess,
  type CiAccessEnvironment,
  type CiAccessProps,
  type CiAccessPush,
  type CiAccessRegistry,
  DRIFT_READ_ACTIONS,
} from './ci-access.ts';
