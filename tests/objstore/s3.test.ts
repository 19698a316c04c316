// The S3 backend against a real S3-protocol server that verifies SigV4 signatures
// (tests/helpers/s3-server.ts), plus retry/timeout behaviour through a misbehaving proxy.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { after, before, describe, it } from "node:test";
import { bucketFromConfig, iterAll, MemoryBucket, PrefixedBucket, S3Bucket, S3Error, type S3Config } from "../../src/objstore/index.ts";
import { startS3Server, type S3Server } from "../helpers/s3-server.ts";
import { bucketConformance } from "./conformance.ts";
import { startFlakyProxy, type FlakyProxy } from "./flaky-proxy.ts";

let server: S3Server;
before(async () => {
  server = await startS3Server();
});
after(async () => {
  await server?.stop();
});

// Each test gets its own bucket on the server, created with a signed PUT.
async function freshS3Bucket(extra: Partial<S3Config> = {}): Promise<S3Bucket> {
  const name = `t-${randomBytes(5).toString("hex")}`;
  const b = new S3Bucket({ ...server.config, bucket: name, ...extra });
  await b.client.send({ method: "PUT", key: "" });
  return b;
}

bucketConformance("s3", () => freshS3Bucket());
bucketConformance("prefixed memory", async () => new PrefixedBucket(new MemoryBucket(), "some/prefix/"));

describe("s3 backend against a signature-checking server", () => {
  it("pages through more than 1000 keys with continuation tokens", async () => {
    const b = await freshS3Bucket();
    const names: string[] = [];
    for (let i = 0; i < 1105; i++) names.push(`many/k${String(i).padStart(5, "0")}`);
    names.push("many/sub/x");
    for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => b.upload(n, "v")));
    const listed = await iterAll(b, "many", { recursive: true });
    assert.equal(listed.length, 1106);
    assert.deepEqual(listed, [...names].sort());
    const flat = await iterAll(b, "many");
    assert.equal(flat.length, 1106);
    assert.equal(flat.at(-1), "many/sub/");
  });

  it("uploads large objects in parts (multipart) and reads them back", async () => {
    const b = await freshS3Bucket({ part_size: 64 * 1024 });
    const seen: string[] = [];
    const data = randomBytes(64 * 1024 * 3 + 1234);
    const recording = new S3Bucket(b.config, {
      fetch: (req) => {
        const u = new URL(req.url);
        seen.push(`${req.method} ${u.search}`);
        return fetch(req);
      },
    });
    await recording.upload("big/object", data);
    assert.deepEqual(Buffer.from(await b.get("big/object")), data);
    assert.equal((await b.attributes("big/object")).size, data.length);
    assert.equal(seen.filter((s) => s === "POST ?uploads").length, 1, seen.join("\n"));
    assert.equal(seen.filter((s) => s.startsWith("PUT ?partNumber=")).length, 4, seen.join("\n"));
    assert.equal(seen.filter((s) => /^POST \?uploadId=/.test(s)).length, 1);
    assert.deepEqual(Buffer.from(await b.getRange("big/object", 64 * 1024 - 10, 20)), data.subarray(64 * 1024 - 10, 64 * 1024 + 10));
  });

  it("uses a single PUT for objects up to part_size", async () => {
    const b = await freshS3Bucket({ part_size: 1000 });
    const seen: string[] = [];
    const recording = new S3Bucket(b.config, { fetch: (req) => (seen.push(req.method + " " + new URL(req.url).search), fetch(req)) });
    await recording.upload("exact", randomBytes(1000));
    assert.deepEqual(seen, ["PUT "]);
  });

  it("refuses a wrong secret key with S3's error code", async () => {
    const good = await freshS3Bucket();
    await good.upload("secret/obj", "data");
    const bad = new S3Bucket({ ...good.config, secretKey: "not-the-secret" });
    await assert.rejects(bad.get("secret/obj"), (e: unknown) => {
      assert.ok(e instanceof S3Error);
      assert.equal(e.status, 403);
      assert.equal(e.code, "SignatureDoesNotMatch");
      assert.match(e.message, /GET .*secret\/obj: HTTP 403 SignatureDoesNotMatch/);
      return true;
    });
    await assert.rejects(bad.upload("secret/other", "x"), /403 SignatureDoesNotMatch/);
    await assert.rejects(iterAll(bad, ""), /403 SignatureDoesNotMatch/);
    await assert.rejects(bad.exists("secret/obj"), /HTTP 403/);
    const unknownKey = new S3Bucket({ ...good.config, accessKey: "AKIAUNKNOWN" });
    await assert.rejects(unknownKey.get("secret/obj"), /HTTP 403 InvalidAccessKeyId/);
    assert.equal(await good.exists("secret/other"), false, "the refused upload stored nothing");
  });

  it("refuses a request whose signed payload hash does not match (tampered signature)", async () => {
    const good = await freshS3Bucket();
    // Sign for one path, send to another: the server must recompute and refuse.
    const tampering = new S3Bucket(good.config, {
      fetch: (req) => fetch(new Request(req.url.replace("/a", "/b"), req)),
    });
    await assert.rejects(tampering.upload("a", "x"), /403 SignatureDoesNotMatch/);
  });

  it("reports a missing bucket as an S3 error, not as a missing object", async () => {
    const b = new S3Bucket({ ...server.config, bucket: "no-such-bucket-here", max_retries: 0 });
    await assert.rejects(b.get("x"), (e: unknown) => {
      assert.ok(!b.isObjNotFoundErr(e));
      assert.match(String(e), /NoSuchBucket/);
      return true;
    });
  });

  it("is built from Thanos objstore YAML", async () => {
    const b = bucketFromConfig(server.yaml);
    assert.ok(b instanceof S3Bucket);
    await b.upload("from-yaml", "ok");
    assert.equal(new TextDecoder().decode(await b.get("from-yaml")), "ok");
    const p = bucketFromConfig(server.yaml + "prefix: tenant-a\n");
    await p.upload("x", "y");
    assert.equal(await b.exists("tenant-a/x"), true);
    assert.deepEqual(await iterAll(p, ""), ["x"]);
  });

  it("talks virtual-hosted style when asked (bucket in the Host header)", async () => {
    const vhost = await startS3Server({ hostBucket: true });
    try {
      const port = vhost.endpoint.split(":")[1];
      // bucket.localhost doesn't resolve here, so route every request to 127.0.0.1 while keeping
      // the Host header the request was signed with.
      const hosts: string[] = [];
      const viaLoopback = async (req: Request): Promise<Response> => {
        const u = new URL(req.url);
        hosts.push(u.host);
        const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
        return new Promise((resolve, reject) => {
          const r = httpRequest({ host: "127.0.0.1", port: Number(port), method: req.method, path: u.pathname + u.search, headers: { ...Object.fromEntries(req.headers as unknown as Iterable<[string, string]>), host: u.host } }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c) => chunks.push(c));
            res.on("end", () => {
              const headers = new Headers();
              for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") headers.set(k, v);
              const noBody = req.method === "HEAD" || res.statusCode === 204 || res.statusCode === 304;
              resolve(new Response(noBody ? null : Buffer.concat(chunks), { status: res.statusCode, headers }));
            });
          });
          r.on("error", reject);
          r.end(body);
        });
      };
      const b = new S3Bucket({ ...vhost.config, endpoint: `localhost:${port}`, bucket_lookup_type: "virtual-hosted" }, { fetch: viaLoopback });
      await b.upload("v/h", "hosted");
      assert.equal(new TextDecoder().decode(await b.get("v/h")), "hosted");
      assert.deepEqual(await iterAll(b, ""), ["v/"]);
      assert.ok(hosts.every((h) => h === `${vhost.bucket}.localhost:${port}`), hosts.join(","));
    } finally {
      await vhost.stop();
    }
  });
});

describe("s3 retries", () => {
  let proxy: FlakyProxy;
  before(async () => {
    proxy = await startFlakyProxy(server.endpoint);
  });
  after(async () => {
    await proxy?.close();
  });

  async function viaProxy(extra: Partial<S3Config> = {}): Promise<S3Bucket> {
    const direct = await freshS3Bucket();
    const b = new S3Bucket({ ...server.config, bucket: direct.config.bucket, endpoint: proxy.endpoint, ...extra });
    b.config.minBackoffMs = 10; // keep the test quick; the policy is what's under test
    return b;
  }

  it("retries 503s with backoff and then succeeds", async () => {
    const b = await viaProxy();
    await b.upload("r/obj", "payload");
    proxy.seen.length = 0;
    proxy.faults.push("503", "503");
    assert.equal(new TextDecoder().decode(await b.get("r/obj")), "payload");
    assert.equal(proxy.seen.length, 3);
    assert.equal(b.client.retries, 2);
  });

  it("retries uploads after dropped connections (the body is re-sent and re-signed)", async () => {
    const b = await viaProxy();
    proxy.faults.push("reset", "503");
    await b.upload("r/up", "after-faults");
    assert.equal(new TextDecoder().decode(await b.get("r/up")), "after-faults");
    assert.equal(b.client.retries, 2);
  });

  it("times out a request that gets no answer and retries it", async () => {
    const b = await viaProxy({ http_config: { response_header_timeout: "300ms" } });
    await b.upload("r/slow", "eventually");
    proxy.faults.push("hang");
    assert.equal(new TextDecoder().decode(await b.get("r/slow")), "eventually");
    assert.equal(b.client.retries, 1);
  });

  it("gives up after max_retries with the last error", async () => {
    const b = await viaProxy({ max_retries: 2 });
    await b.upload("r/x", "x");
    proxy.faults.push("503", "503", "503", "503");
    await assert.rejects(b.get("r/x"), /HTTP 503 ServiceUnavailable: injected by test/);
    assert.equal(b.client.retries, 2);
    proxy.faults.length = 0;
  });

  it("does not retry 4xx answers", async () => {
    const b = await viaProxy();
    const bad = new S3Bucket({ ...b.config, secretKey: "wrong" });
    proxy.seen.length = 0;
    await assert.rejects(bad.get("r/x"), /403 SignatureDoesNotMatch/);
    assert.equal(proxy.seen.length, 1);
    proxy.seen.length = 0;
    await assert.rejects(b.get("r/does-not-exist"), (e: unknown) => b.isObjNotFoundErr(e));
    assert.equal(proxy.seen.length, 1);
  });
});
