import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  bucketFromConfig,
  bucketFromFlags,
  FilesystemBucket,
  MemoryBucket,
  ObjstoreConfigError,
  parseDuration,
  PrefixedBucket,
  resolveS3Config,
  S3Bucket,
} from "../../src/objstore/index.ts";
import { S3Client } from "../../src/objstore/s3/client.ts";
import { autoUsesVirtualHost } from "../../src/objstore/s3/config.ts";

const s3 = { bucket: "b", endpoint: "s3.eu-west-1.amazonaws.com", access_key: "AK", secret_key: "SK" };

describe("objstore config (Thanos YAML)", () => {
  it("builds filesystem, S3 and memory buckets, case-insensitive type, optional prefix", () => {
    assert.ok(bucketFromConfig("type: FILESYSTEM\nconfig:\n  directory: /tmp/x\n") instanceof FilesystemBucket);
    assert.ok(bucketFromConfig("type: filesystem\nconfig: {directory: /tmp/x}") instanceof FilesystemBucket);
    assert.ok(bucketFromConfig("type: MEMORY") instanceof MemoryBucket);
    const b = bucketFromConfig(`type: S3\nconfig:\n  bucket: b\n  endpoint: minio:9000\n  access_key: a\n  secret_key: s\n  insecure: true\n`);
    assert.ok(b instanceof S3Bucket);
    assert.equal((b as S3Bucket).config.scheme, "http");
    assert.equal((b as S3Bucket).config.virtualHosted, false);
    const p = bucketFromConfig("type: MEMORY\nprefix: /tenant/a/\n");
    assert.ok(p instanceof PrefixedBucket);
    assert.equal((p as PrefixedBucket).prefix, "tenant/a/");
  });

  it("gives clear errors", () => {
    assert.throws(() => bucketFromConfig("type: FILESYSTEM\nconfig: {}"), /FILESYSTEM needs config.directory/);
    assert.throws(() => bucketFromConfig("config: {}"), /missing `type:`/);
    assert.throws(() => bucketFromConfig("type: GCS\nconfig: {bucket: x}"), /GCS is not supported/);
    assert.throws(() => bucketFromConfig("type: NOPE"), /unknown type/);
    assert.throws(() => bucketFromConfig("type: [unclosed"), ObjstoreConfigError);
    assert.throws(() => bucketFromConfig("type: S3\nconfig: {bucket: b}"), /no s3 endpoint/);
    assert.throws(() => bucketFromConfig("type: S3\nconfig: {bucket: b, endpoint: e, access_key: a}"), /no secret_key specified/);
    assert.throws(() => bucketFromConfig("type: S3\nconfig: {bucket: b, endpoint: e}"), /no credentials/);
    assert.throws(() => bucketFromConfig("type: S3\nconfig: {bucket: b, endpoint: e, access_key: a, secret_key: s, bucket_lookup_type: dns}"), /bucket_lookup_type/);
  });

  it("takes S3 credentials from AWS_* environment variables", () => {
    const b = bucketFromConfig("type: S3\nconfig: {bucket: b, endpoint: e}", { AWS_ACCESS_KEY_ID: "envak", AWS_SECRET_ACCESS_KEY: "envsk" }) as S3Bucket;
    assert.equal(b.config.accessKey, "envak");
    assert.equal(b.config.secretKey, "envsk");
  });

  it("reads --objstore.config-file or --objstore.config", async () => {
    const dir = await mkdtemp(join(tmpdir(), "aeon-objcfg-"));
    try {
      const f = join(dir, "bucket.yml");
      await writeFile(f, `type: FILESYSTEM\nconfig:\n  directory: ${dir}/data\n`);
      const fromFile = await bucketFromFlags(f, undefined);
      assert.ok(fromFile instanceof FilesystemBucket);
      assert.ok((await bucketFromFlags(undefined, "type: MEMORY")) instanceof MemoryBucket);
      assert.ok((await bucketFromFlags(f, "type: MEMORY")) instanceof FilesystemBucket, "the file wins");
      assert.equal(await bucketFromFlags(undefined, undefined), null);
      await assert.rejects(bucketFromFlags(join(dir, "missing.yml"), undefined), /--objstore.config-file .*missing.yml/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("S3 addressing (bucket_lookup_type) and defaults", () => {
  it("auto = virtual-hosted for AWS/GCS/Aliyun endpoints, path style elsewhere", () => {
    assert.equal(autoUsesVirtualHost("s3.amazonaws.com", "https", "b"), true);
    assert.equal(autoUsesVirtualHost("s3.eu-west-1.amazonaws.com", "https", "b"), true);
    assert.equal(autoUsesVirtualHost("s3-us-west-2.amazonaws.com", "https", "b"), true);
    assert.equal(autoUsesVirtualHost("storage.googleapis.com", "https", "b"), true);
    assert.equal(autoUsesVirtualHost("oss-cn-hangzhou.aliyuncs.com", "https", "b"), true);
    assert.equal(autoUsesVirtualHost("s3.amazonaws.com", "https", "dotted.name"), false);
    assert.equal(autoUsesVirtualHost("s3.amazonaws.com", "http", "dotted.name"), true);
    assert.equal(autoUsesVirtualHost("minio.local:9000", "https", "b"), false);
    assert.equal(autoUsesVirtualHost("127.0.0.1:9000", "http", "b"), false);
  });

  it("builds path-style and virtual-hosted URLs with S3 key encoding", () => {
    const path = new S3Client(resolveS3Config({ ...s3, endpoint: "minio:9000", insecure: true }));
    assert.equal(path.url("01ABC/chunks/000001"), "http://minio:9000/b/01ABC/chunks/000001");
    assert.equal(path.url("a b/c+d(e)"), "http://minio:9000/b/a%20b/c%2Bd%28e%29");
    assert.equal(path.url("", { "list-type": "2", prefix: "x/" }), "http://minio:9000/b?list-type=2&prefix=x%2F");
    const vh = new S3Client(resolveS3Config(s3));
    assert.equal(vh.url("k", { uploads: "" }), "https://b.s3.eu-west-1.amazonaws.com/k?uploads");
    const forcedPath = new S3Client(resolveS3Config({ ...s3, bucket_lookup_type: "path" }));
    assert.equal(forcedPath.url("k"), "https://s3.eu-west-1.amazonaws.com/b/k");
  });

  it("fills Thanos defaults: region from the AWS endpoint, 64 MiB parts, 2m timeout", () => {
    const c = resolveS3Config(s3);
    assert.equal(c.region, "eu-west-1");
    assert.equal(resolveS3Config({ ...s3, endpoint: "minio:9000" }).region, "us-east-1");
    assert.equal(resolveS3Config({ ...s3, region: "x-1" }).region, "x-1");
    assert.equal(c.partSize, 64 * 1024 * 1024);
    assert.equal(c.timeoutMs, 120_000);
    assert.equal(c.scheme, "https");
    assert.equal(resolveS3Config({ ...s3, endpoint: "http://h:1" }).scheme, "http");
    assert.equal(resolveS3Config({ ...s3, http_config: { response_header_timeout: "1m30s" } }).timeoutMs, 90_000);
  });

  it("parses Prometheus durations", () => {
    assert.equal(parseDuration("90s"), 90_000);
    assert.equal(parseDuration("1h30m"), 5_400_000);
    assert.equal(parseDuration("250ms"), 250);
    assert.equal(parseDuration(3), 3000);
    assert.throws(() => parseDuration("3 parsecs"), /invalid duration/);
  });
});

describe("S3 retry policy", () => {
  it("retries 5xx and 429 but not other 4xx; backoff grows and stays capped", async () => {
    const { backoffMs, isRetryableStatus, RETRYABLE_CODES } = await import("../../src/objstore/s3/retry.ts");
    for (const s of [500, 502, 503, 504, 429]) assert.equal(isRetryableStatus(s), true, String(s));
    for (const s of [400, 401, 403, 404, 409, 416]) assert.equal(isRetryableStatus(s), false, String(s));
    assert.ok(RETRYABLE_CODES.has("SlowDown") && RETRYABLE_CODES.has("RequestTimeout"));
    assert.ok(!RETRYABLE_CODES.has("SignatureDoesNotMatch"));
    const top = (attempt: number) => backoffMs(attempt, 100, 10_000, () => 0.999999);
    assert.ok(top(0) <= 100 && top(1) <= 200 && top(3) <= 800);
    assert.ok(top(1) > top(0) && top(3) > top(2));
    assert.ok(top(30) <= 10_000);
    assert.ok(backoffMs(5, 100, 10_000, () => 0) >= 50, "never zero: a minimum pause between attempts");
  });
});

describe("S3 region correction", () => {
  it("re-signs for the region S3 names in AuthorizationHeaderMalformed, once", async () => {
    const scopes: string[] = [];
    const fake = async (req: Request): Promise<Response> => {
      const scope = /Credential=[^/]+\/\d+\/([^/]+)\/s3\//.exec(req.headers.get("authorization") ?? "")?.[1] ?? "";
      scopes.push(scope);
      if (scope !== "eu-central-1") {
        return new Response(
          "<Error><Code>AuthorizationHeaderMalformed</Code><Message>the region 'us-east-1' is wrong; expecting 'eu-central-1'</Message><Region>eu-central-1</Region></Error>",
          { status: 400 },
        );
      }
      return new Response("ok", { status: 200 });
    };
    const b = new S3Bucket({ bucket: "b", endpoint: "s3.amazonaws.com", access_key: "a", secret_key: "s" }, { fetch: fake });
    assert.equal(b.config.region, "us-east-1");
    assert.equal(new TextDecoder().decode(await b.get("k")), "ok");
    assert.deepEqual(scopes, ["us-east-1", "eu-central-1"]);
    assert.equal(b.config.region, "eu-central-1");
    assert.equal(b.client.retries, 0, "a region fix is not a retry");
  });
});
