// Not the schedule check (./schedule.ts): it loads a package, and the contract reaches this folder.
export { appView, appViewIn } from './compat.ts';
export {
  APP_KEYS_WITH_SERVICES,
  type ConcreteImage,
  concreteImage,
  declaredServices,
  defaultWebService,
  migrationOwner,
  SHORTHAND_SERVICE,
  shorthandService,
} from './declared.ts';
export {
  type BuildPaths,
  builtImages,
  type ImageBuild,
  type ImageReplica,
  type ImageRepositorySpec,
  imageRepositories,
  pullRegistry,
  rebaseBuild,
  replicaPlaces,
  replicationEnabled,
  serviceRepository,
} from './images.ts';
export { previewServiceSettings, previewServices } from './preview.ts';
export {
  type ResolvedBackendService,
  type ResolvedJobService,
  type ResolvedService,
  type ResolvedWebService,
  type ResolvedWorkerService,
  resolveServices,
  type ServiceDefaults,
} from './resolve.ts';
