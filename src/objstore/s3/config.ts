// Thanos's S3 objstore config (`type: S3`), with the same field names and defaults where Aeon
// implements the feature. Fields Thanos has but Aeon ignores are accepted so existing Thanos
// config files load unchanged.
import { parseDuration } from "../duration.ts";

export type BucketLookupType = "auto" | "virtual-hosted" | "path";

export interface S3Config {
  bucket: string;
  endpoint: string;
  region?: string;
  access_key?: string;
  secret_key?: string;
  session_token?: string;
  insecure?: boolean;
  bucket_lookup_type?: BucketLookupType | string;
  part_size?: number;
  disable_multipart?: boolean;
  max_retries?: number;
  list_objects_version?: string;
  http_config?: { response_header_timeout?: string | number; idle_conn_timeout?: string | number; [k: string]: unknown };
  [k: string]: unknown;
}

/** Everything the client needs, validated and with defaults filled in. */
export interface ResolvedS3Config {
  bucket: string;
  endpoint: string; // host[:port]
  scheme: "http" | "https";
  region: string;
  accessKey: string;
  secretKey: string;
  sessionToken?: string;
  virtualHosted: boolean;
  partSize: number;
  disableMultipart: boolean;
  maxRetries: number;
  /** Per attempt: time to wait for response headers, and then the longest stall while reading. */
  timeoutMs: number;
  /** First backoff; doubles per retry up to maxBackoffMs, with full jitter. */
  minBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_PART_SIZE = 64 * 1024 * 1024; // Thanos's default part_size
export const DEFAULT_MAX_RETRIES = 10; // minio-go's default when Thanos's max_retries is 0
const DEFAULT_TIMEOUT_MS = 2 * 60 * 1000; // Thanos's http_config.response_header_timeout

export class S3ConfigError extends Error {}

export function resolveS3Config(cfg: S3Config, env: Record<string, string | undefined> = {}): ResolvedS3Config {
  if (!cfg || typeof cfg !== "object") throw new S3ConfigError("s3: missing config section");
  if (!cfg.bucket) throw new S3ConfigError("s3: missing bucket name in config");
  if (!cfg.endpoint) throw new S3ConfigError("s3: no s3 endpoint in config file");
  let endpoint = String(cfg.endpoint);
  let scheme: "http" | "https" = cfg.insecure ? "http" : "https";
  const withScheme = /^(https?):\/\/(.*)$/i.exec(endpoint);
  if (withScheme) {
    // Thanos wants a bare host[:port]; accept a URL too and let its scheme decide.
    scheme = withScheme[1].toLowerCase() as "http" | "https";
    endpoint = withScheme[2];
  }
  endpoint = endpoint.replace(/\/+$/, "");
  if (endpoint.includes("/")) throw new S3ConfigError(`s3: endpoint ${JSON.stringify(cfg.endpoint)} must be host[:port] without a path`);

  if (cfg.access_key && !cfg.secret_key) {
    throw new S3ConfigError("s3: no secret_key specified while access_key is present in config file; either both should be present in config or envvars should be used");
  }
  if (cfg.secret_key && !cfg.access_key) {
    throw new S3ConfigError("s3: no access_key specified while secret_key is present in config file; either both should be present in config or envvars should be used");
  }
  const accessKey = cfg.access_key || env.AWS_ACCESS_KEY_ID || env.AWS_ACCESS_KEY || "";
  const secretKey = cfg.secret_key || env.AWS_SECRET_ACCESS_KEY || env.AWS_SECRET_KEY || "";
  if (!accessKey || !secretKey) {
    // Unfinished: Thanos also falls back to the AWS shared-credentials file and instance
    // metadata (IAM roles); Aeon only reads the config and the AWS_* environment variables.
    throw new S3ConfigError("s3: no credentials: set access_key and secret_key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }

  const lookup = String(cfg.bucket_lookup_type ?? "auto");
  if (lookup !== "auto" && lookup !== "virtual-hosted" && lookup !== "path") {
    throw new S3ConfigError(`s3: bucket_lookup_type must be auto, virtual-hosted or path, got ${JSON.stringify(lookup)}`);
  }
  const virtualHosted = lookup === "virtual-hosted" || (lookup === "auto" && autoUsesVirtualHost(endpoint, scheme, cfg.bucket));

  const partSize = cfg.part_size ? Number(cfg.part_size) : DEFAULT_PART_SIZE;
  if (!Number.isSafeInteger(partSize) || partSize <= 0) throw new S3ConfigError(`s3: invalid part_size ${String(cfg.part_size)}`);
  const maxRetries = cfg.max_retries ? Number(cfg.max_retries) : DEFAULT_MAX_RETRIES;
  if (!Number.isSafeInteger(maxRetries) || maxRetries < 0) throw new S3ConfigError(`s3: invalid max_retries ${String(cfg.max_retries)}`);
  if (cfg.list_objects_version && cfg.list_objects_version !== "v2" && cfg.list_objects_version !== "v1") {
    throw new S3ConfigError(`s3: list_objects_version must be v1 or v2, got ${JSON.stringify(cfg.list_objects_version)}`);
  }
  const rht = cfg.http_config?.response_header_timeout;
  const timeoutMs = rht === undefined || rht === "" || rht === 0 ? DEFAULT_TIMEOUT_MS : parseDuration(rht);

  return {
    bucket: String(cfg.bucket),
    endpoint,
    scheme,
    region: cfg.region || regionFromEndpoint(endpoint) || "us-east-1",
    accessKey,
    secretKey,
    sessionToken: cfg.session_token || env.AWS_SESSION_TOKEN || undefined,
    virtualHosted,
    partSize,
    disableMultipart: !!cfg.disable_multipart,
    maxRetries,
    timeoutMs,
    minBackoffMs: 100,
    maxBackoffMs: 10_000,
  };
}

// minio-go's "auto" lookup (which Thanos uses): virtual-hosted style only for endpoints known to
// support it (Amazon S3, Google Cloud Storage, Aliyun OSS), and never for dotted bucket names
// over https (the TLS wildcard certificate would not match); path style for everything else,
// e.g. MinIO, Ceph, or a local test server.
export function autoUsesVirtualHost(endpoint: string, scheme: string, bucket: string): boolean {
  if (scheme === "https" && bucket.includes(".")) return false;
  const host = endpoint.replace(/:\d+$/, "").toLowerCase();
  return (
    /^s3([.-].*)?\.amazonaws\.com(\.cn)?$/.test(host) ||
    host === "storage.googleapis.com" ||
    /(^|\.)aliyuncs\.com$/.test(host)
  );
}

export function regionFromEndpoint(endpoint: string): string | undefined {
  const host = endpoint.replace(/:\d+$/, "").toLowerCase();
  const m = /^s3[.-](?:dualstack\.)?([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(host);
  if (!m || m[1] === "external-1") return undefined;
  return m[1];
}
