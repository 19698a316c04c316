// Thanos's objstore configuration: a YAML (or JSON) document
//   type: FILESYSTEM | S3 | MEMORY
//   config: { ...backend fields... }
//   prefix: optional/key/prefix
// given as a file (--objstore.config-file) or inline (--objstore.config). MEMORY is Aeon's own
// addition for tests and demos; other Thanos types (GCS, AZURE, SWIFT, COS, OSS, BOS, OBS) are
// not implemented and are refused with a clear error.
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import type { Bucket } from "./bucket.ts";
import { FilesystemBucket } from "./filesystem.ts";
import { MemoryBucket } from "./memory.ts";
import { PrefixedBucket } from "./prefixed.ts";
import { S3Bucket } from "./s3/bucket.ts";
import type { S3Config } from "./s3/config.ts";

export class ObjstoreConfigError extends Error {}

export interface BucketConfig {
  type: string;
  config?: Record<string, unknown>;
  prefix?: string;
}

const UNSUPPORTED = new Set(["GCS", "AZURE", "SWIFT", "COS", "ALIYUNOSS", "OSS", "BOS", "OCI", "OBS"]);

export function parseBucketConfig(text: string): BucketConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ObjstoreConfigError(`objstore config: invalid YAML: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new ObjstoreConfigError("objstore config: expected a mapping with `type:` and `config:`");
  const d = doc as Record<string, unknown>;
  if (typeof d.type !== "string" || d.type === "") throw new ObjstoreConfigError("objstore config: missing `type:` (FILESYSTEM, S3 or MEMORY)");
  if (d.config !== undefined && d.config !== null && (typeof d.config !== "object" || Array.isArray(d.config))) {
    throw new ObjstoreConfigError("objstore config: `config:` must be a mapping");
  }
  if (d.prefix !== undefined && d.prefix !== null && typeof d.prefix !== "string") throw new ObjstoreConfigError("objstore config: `prefix:` must be a string");
  return { type: d.type, config: (d.config as Record<string, unknown>) ?? {}, prefix: (d.prefix as string) ?? "" };
}

/** Builds the bucket a Thanos objstore YAML describes. `env` supplies AWS_* credentials for S3. */
export function bucketFromConfig(text: string, env: Record<string, string | undefined> = {}): Bucket {
  const c = parseBucketConfig(text);
  const type = c.type.toUpperCase();
  let bucket: Bucket;
  switch (type) {
    case "FILESYSTEM": {
      const dir = c.config?.directory;
      if (typeof dir !== "string" || dir === "") throw new ObjstoreConfigError("objstore config: FILESYSTEM needs config.directory");
      bucket = new FilesystemBucket({ directory: dir });
      break;
    }
    case "S3":
      bucket = new S3Bucket(c.config as S3Config, { env });
      break;
    case "MEMORY":
      bucket = new MemoryBucket();
      break;
    default:
      if (UNSUPPORTED.has(type)) throw new ObjstoreConfigError(`objstore config: type ${type} is not supported by Aeon (use FILESYSTEM or S3)`);
      throw new ObjstoreConfigError(`objstore config: unknown type ${JSON.stringify(c.type)}`);
  }
  const prefix = (c.prefix ?? "").replace(/^\/+|\/+$/g, "");
  return prefix ? new PrefixedBucket(bucket, prefix) : bucket;
}

/**
 * The bucket from `--objstore.config-file` or `--objstore.config` (Thanos's pair of flags; the
 * file wins when both are set, as in Thanos's extflag). Returns null when neither is set.
 */
export async function bucketFromFlags(file: string | undefined, inline: string | undefined, env: Record<string, string | undefined> = {}): Promise<Bucket | null> {
  let text: string | undefined;
  if (file) {
    try {
      text = await readFile(file, "utf8");
    } catch (e) {
      throw new ObjstoreConfigError(`--objstore.config-file ${file}: ${(e as Error).message}`);
    }
  } else if (inline) {
    text = inline;
  }
  if (text === undefined || text.trim() === "") return null;
  return bucketFromConfig(text, env);
}
