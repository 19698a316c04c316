export { S3Bucket } from "./bucket.ts";
export { S3Client, type S3Request, type S3Response } from "./client.ts";
export { autoUsesVirtualHost, DEFAULT_PART_SIZE, regionFromEndpoint, resolveS3Config, S3ConfigError, type BucketLookupType, type ResolvedS3Config, type S3Config } from "./config.ts";
export { AUTH_ERROR_CODES, S3Error } from "./errors.ts";
