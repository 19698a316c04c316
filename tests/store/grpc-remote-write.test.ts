// thanos.WriteableStore/RemoteWrite served by the raw handler (raw-remote-write.ts): the wire
// shape with curl (hand-framed requests, identity/snappy/gzip message compression, an empty
// WriteResponse and grpc-status trailers), our connect client against it, gRPC codes for the
// implementation's failures, malformed messages and unknown encodings, and deadlines.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { create, toBinary } from "@bufbuild/protobuf";
import { WriteRequestSchema } from "../../src/gen/thanos/store/rpc_pb.ts";
import { SampleSchema, TimeSeriesSchema } from "../../src/gen/thanos/store/prompb_copy_pb.ts";
import { LabelSchema } from "../../src/gen/thanos/store/types_pb.ts";
import { snappyFramedEncode } from "../../src/codec/snappy/index.ts";
import { createStoreClient, serveStoreGrpc, type GrpcServer, type WriteableStoreServer } from "../../src/store/grpc/index.ts";
import { MemoryStore } from "../../src/store/memory/index.ts";
import { StoreError, type StoreErrorCode } from "../../src/store/errors.ts";
import type { StoreCallOptions } from "../../src/store/types.ts";
import { Registry } from "../../src/observability/index.ts";

const run = promisify(execFile);

// A WriteableStore that records what it is handed and answers as told.
const got: Uint8Array[] = [];
let answer: (msg: Uint8Array, o?: StoreCallOptions) => Promise<void> = async () => {};
const writeable: WriteableStoreServer = {
  remoteWrite: () => Promise.reject(new Error("the raw handler must serve RemoteWrite")),
  remoteWriteBytes: (msg, o) => {
    got.push(new Uint8Array(msg));
    return answer(msg, o);
  },
};

let server: GrpcServer;
let dir: string;
const registry = new Registry();
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "aeon-rawrw-"));
  server = await serveStoreGrpc({ address: "127.0.0.1:0", store: new MemoryStore({ series: [] }), writeable, registry });
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const request = create(WriteRequestSchema, {
  tenant: "t1",
  replica: 1n,
  timeseries: [
    create(TimeSeriesSchema, {
      labels: [create(LabelSchema, { name: "__name__", value: "up" })],
      samples: [create(SampleSchema, { value: 1, timestamp: 1000n })],
    }),
  ],
});
const msg = toBinary(WriteRequestSchema, request);

function frame(payload: Uint8Array, compressed = false): Uint8Array {
  const out = new Uint8Array(5 + payload.length);
  out[0] = compressed ? 1 : 0;
  new DataView(out.buffer).setUint32(1, payload.length);
  out.set(payload, 5);
  return out;
}

async function curl(body: Uint8Array, headers: string[] = []) {
  const id = Math.random().toString(36).slice(2);
  const [req, out, hdr] = ["req", "out", "hdr"].map((x) => join(dir, `${id}.${x}`));
  await writeFile(req, body);
  await run("curl", [
    "-sS", "--http2-prior-knowledge", "-X", "POST",
    "-H", "content-type: application/grpc", "-H", "te: trailers", ...headers.flatMap((h) => ["-H", h]),
    "--data-binary", `@${req}`, "-o", out, "-D", hdr,
    `http://127.0.0.1:${server.port}/thanos.WriteableStore/RemoteWrite`,
  ]);
  const head = (await readFile(hdr, "utf8")).toLowerCase();
  return { body: new Uint8Array(await readFile(out)), head, status: /grpc-status: *(\d+)/.exec(head)?.[1], message: /grpc-message: *(.*)/.exec(head)?.[1]?.trim() };
}

test("curl: the request message arrives byte for byte (identity, snappy, gzip); answer is an empty WriteResponse", async () => {
  answer = async () => {};
  for (const [body, headers] of [
    [frame(msg), []],
    [frame(snappyFramedEncode(msg), true), ["grpc-encoding: snappy"]],
    [frame(gzipSync(msg), true), ["grpc-encoding: gzip"]],
  ] as Array<[Uint8Array, string[]]>) {
    got.length = 0;
    const res = await curl(body, headers);
    assert.equal(res.status, "0", res.head);
    assert.match(res.head, /content-type: application\/grpc/);
    assert.deepEqual([...res.body], [0, 0, 0, 0, 0], "one uncompressed empty message");
    assert.deepEqual(got, [msg]);
  }
});

test("curl: unknown encoding is Unimplemented, a bad frame or bad compression a clean error", async () => {
  got.length = 0;
  let res = await curl(frame(gzipSync(msg), true), ["grpc-encoding: br"]);
  assert.equal(res.status, "12", res.head);
  res = await curl(frame(new Uint8Array([1, 2, 3]), true), ["grpc-encoding: snappy"]);
  assert.equal(res.status, "3", res.head);
  res = await curl(new Uint8Array([0, 0, 0, 0, 9, 1]), []); // length says 9, one byte follows
  assert.equal(res.status, "3", res.head);
  assert.equal(got.length, 0);
});

test("our client: StoreError codes travel as gRPC codes; the deadline is enforced", async () => {
  const c = createStoreClient({ address: `127.0.0.1:${server.port}`, compression: "snappy" });
  try {
    answer = async () => {};
    got.length = 0;
    await c.remoteWrite(request);
    assert.deepEqual(got, [msg]);
    for (const code of ["AlreadyExists", "InvalidArgument", "Unavailable", "ResourceExhausted", "Internal"] as StoreErrorCode[]) {
      answer = () => Promise.reject(new StoreError(code, `boom ${code} ✓ 100%`));
      await assert.rejects(c.remoteWrite(request), (e: unknown) => e instanceof StoreError && e.code === code && e.message.includes(`boom ${code} ✓ 100%`));
    }
    let signal: AbortSignal | undefined;
    answer = (_m, o) => {
      signal = o?.signal;
      return new Promise((resolve) => setTimeout(resolve, 3000));
    };
    await assert.rejects(c.remoteWrite(request, { timeoutMs: 200 }), (e: unknown) => e instanceof StoreError && e.code === "DeadlineExceeded");
    // The server's own timer (from grpc-timeout) fires about when the client gives up.
    for (let i = 0; i < 100 && !signal?.aborted; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(signal?.aborted, true, "the implementation sees the deadline");
  } finally {
    await c.close();
  }
  const metrics = registry.metricsText();
  assert.match(metrics, /grpc_server_handled_total\{[^}]*grpc_code="AlreadyExists"[^}]*grpc_method="RemoteWrite"|grpc_server_handled_total\{[^}]*grpc_method="RemoteWrite"[^}]*grpc_code="AlreadyExists"/);
});
