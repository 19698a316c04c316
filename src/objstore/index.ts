// Object storage: one Bucket interface (Thanos objstore semantics) with filesystem, S3 and
// in-memory backends, configured by Thanos's objstore YAML.
export {
  checkObjectName,
  DIR_DELIM,
  dirPrefix,
  fromFile,
  isObjNotFoundErr,
  iterAll,
  ObjNotFoundError,
  type Bucket,
  type FileSource,
  type IterOptions,
  type ObjectAttributes,
  type UploadBody,
} from "./bucket.ts";
export { bodyPieces, bodyToBytes, bytesToStream, concatBytes } from "./body.ts";
export { bucketFromConfig, bucketFromFlags, ObjstoreConfigError, parseBucketConfig, type BucketConfig } from "./config.ts";
export { parseDuration } from "./duration.ts";
export { FilesystemBucket, type FilesystemConfig } from "./filesystem.ts";
export { MemoryBucket } from "./memory.ts";
export { PrefixedBucket } from "./prefixed.ts";
export { S3Bucket, S3Error, resolveS3Config, S3ConfigError, type S3Config, type ResolvedS3Config } from "./s3/index.ts";
