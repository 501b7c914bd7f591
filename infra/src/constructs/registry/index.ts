export {
  type CleanupCluster,
  IMAGE_CLEANUP_METRIC_NAMESPACE,
  ImageCleanup,
  type ImageCleanupProps,
} from './image-cleanup.ts';
export {
  CLAIM_COUNT,
  ImageRepository,
  type ImageRepositoryProps,
  UNTAGGED_EXPIRY_DAYS,
} from './image-repository.ts';
export { lifecyclePolicy } from './lifecycle.ts';
export {
  ImageReplication,
  type ImageReplicationProps,
  MAX_REPLICATION_DESTINATIONS,
  ReplicaRegistry,
  type ReplicaRegistryProps,
  type ReplicationDestination,
} from './replication.ts';
export {
  imageCleanupFunctionName,
  MUTABLE_TAG_PATTERNS,
  protectedTagPatterns,
  RELEASE_TAG_PATTERNS,
  releaseTag,
} from './tags.ts';
