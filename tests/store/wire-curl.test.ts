// Proves the wire shape without our own client: requests are protobuf bytes built here from the
// field numbers, framed by hand, sent with curl over h2c; responses are parsed by hand.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { create } from "@bufbuild/protobuf";
import { AggrChunkSchema, ChunkSchema } from "../../src/gen/thanos/store/types_pb.ts";
import { snappyFramedDecode, snappyFramedEncode } from "../../src/codec/snappy/index.ts";
import { fromRecord } from "../../src/labels/index.ts";
import { serveStoreGrpc, type GrpcServer } from "../../src/store/grpc/index.ts";
import { MemoryStore } from "../../src/store/memory/index.ts";
import { series, xorChunk } from "./fixtures.ts";

const run = promisify(execFile);
let server: GrpcServer;
let dir: string;
const upA = xorChunk(0, 120);
const bigData = new Uint8Array(5000).map((_, i) => (i % 10 === 0 ? 7 : 1));

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "aeon-wire-"));
  const big = create(AggrChunkSchema, { minTime: 0n, maxTime: 1000n, raw: create(ChunkSchema, { data: bigData, hash: 42n }) });
  const store = new MemoryStore({
    externalLabels: fromRecord({ cluster: "eu" }),
    series: [series({ __name__: "up", job: "api", instance: "a" }, [upA]), series({ __name__: "up", job: "db" }, [xorChunk(0, 3)]), series({ __name__: "big" }, [big])],
  });
  server = await serveStoreGrpc({ address: "127.0.0.1:0", store });
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

// --- hand-rolled protobuf encoding ---
function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const tag = (field: number, wire: number) => varint((field << 3) | wire);
const vfield = (field: number, n: number | bigint) => [...tag(field, 0), ...varint(n)];
const bfield = (field: number, bytes: number[] | Uint8Array) => [...tag(field, 2), ...varint(bytes.length), ...bytes];
const sfield = (field: number, s: string) => bfield(field, [...new TextEncoder().encode(s)]);
// thanos.LabelMatcher: type=1, name=2, value=3 (EQ=0, RE=2)
const matcher = (type: number, name: string, value: string) => [...vfield(1, type), ...sfield(2, name), ...sfield(3, value)];

function grpcFrame(msg: number[] | Uint8Array, compressed = false): Uint8Array {
  const out = new Uint8Array(5 + msg.length);
  out[0] = compressed ? 1 : 0;
  new DataView(out.buffer).setUint32(1, msg.length);
  out.set(msg, 5);
  return out;
}

// --- hand-rolled protobuf decoding ---
type Field = { n: number; wire: number; v: bigint; b: Uint8Array };
function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let i = 0;
  const rv = (): bigint => {
    let r = 0n;
    for (let s = 0n; ; s += 7n) {
      const x = buf[i++];
      r |= BigInt(x & 0x7f) << s;
      if (x < 0x80) return r;
    }
  };
  while (i < buf.length) {
    const key = Number(rv());
    const f: Field = { n: key >> 3, wire: key & 7, v: 0n, b: new Uint8Array() };
    if (f.wire === 0) f.v = rv();
    else if (f.wire === 2) {
      const len = Number(rv());
      f.b = buf.subarray(i, i + len);
      i += len;
    } else throw new Error(`unexpected wire type ${f.wire}`);
    out.push(f);
  }
  return out;
}
const str = (b: Uint8Array) => new TextDecoder().decode(b);
const labelPairs = (fs: Field[], n: number) =>
  fs.filter((f) => f.n === n).map((f) => {
    const l = fields(f.b);
    return `${str(l.find((x) => x.n === 1)?.b ?? new Uint8Array())}=${str(l.find((x) => x.n === 2)?.b ?? new Uint8Array())}`;
  });

function grpcFrames(body: Uint8Array): { compressed: boolean; msg: Uint8Array }[] {
  const out = [];
  for (let i = 0; i < body.length; ) {
    const len = new DataView(body.buffer, body.byteOffset + i + 1, 4).getUint32(0);
    out.push({ compressed: body[i] === 1, msg: body.subarray(i + 5, i + 5 + len) });
    i += 5 + len;
  }
  return out;
}

async function curl(path: string, frame: Uint8Array, headers: string[] = []) {
  const id = Math.random().toString(36).slice(2);
  const req = join(dir, `${id}.req`);
  const out = join(dir, `${id}.out`);
  const hdr = join(dir, `${id}.hdr`);
  await writeFile(req, frame);
  await run("curl", [
    "-sS", "--http2-prior-knowledge", "-X", "POST",
    "-H", "content-type: application/grpc", "-H", "te: trailers", ...headers.flatMap((h) => ["-H", h]),
    "--data-binary", `@${req}`, "-o", out, "-D", hdr,
    `http://127.0.0.1:${server.port}${path}`,
  ]);
  const head = (await readFile(hdr, "utf8")).toLowerCase();
  return { body: new Uint8Array(await readFile(out)), head, status: /grpc-status: *(\d+)/.exec(head)?.[1] };
}

test("curl: thanos.Store/Series with a hand-encoded SeriesRequest", async () => {
  // SeriesRequest: min_time=1, max_time=2, matchers=3 (__name__="up", job=~"a.*")
  const req = [...vfield(1, 0), ...vfield(2, 10_000_000), ...bfield(3, matcher(0, "__name__", "up")), ...bfield(3, matcher(2, "job", "a.*"))];
  const res = await curl("/thanos.Store/Series", grpcFrame(req));
  assert.equal(res.status, "0", res.head);
  const frames = grpcFrames(res.body);
  assert.equal(frames.length, 1);
  // SeriesResponse.series = 1 -> Series{labels=1, chunks=2}
  const top = fields(frames[0].msg);
  assert.equal(top[0].n, 1);
  const s = fields(top[0].b);
  assert.deepEqual(labelPairs(s, 1), ["__name__=up", "cluster=eu", "instance=a", "job=api"]);
  const chunks = s.filter((f) => f.n === 2).map((f) => fields(f.b));
  assert.equal(chunks.length, 1);
  assert.equal(chunks[0].find((f) => f.n === 1)?.v ?? 0n, 0n); // min_time 0 (default, omitted)
  assert.equal(chunks[0].find((f) => f.n === 2)?.v, BigInt(119 * 15000));
  const raw = fields(chunks[0].find((f) => f.n === 3)!.b);
  assert.equal(raw.find((f) => f.n === 1), undefined, "type XOR = 0 is the default and omitted");
  assert.deepEqual(raw.find((f) => f.n === 2)!.b, upA.raw!.data);
});

test("curl: invalid regex gives grpc-status 3 (InvalidArgument) with a message", async () => {
  const res = await curl("/thanos.Store/Series", grpcFrame([...vfield(2, 1), ...bfield(3, matcher(2, "job", "("))]));
  assert.equal(res.status, "3", res.head);
  // grpc-message is percent-encoded on the wire.
  const msg = decodeURIComponent(/grpc-message: *(.*)/.exec(res.head)![1].trim());
  assert.match(msg, /invalid regular expression "\(":/);
});

test("curl: thanos.info.Info/Info and legacy thanos.Store/Info", async () => {
  const res = await curl("/thanos.info.Info/Info", grpcFrame([]));
  assert.equal(res.status, "0", res.head);
  const info = fields(grpcFrames(res.body)[0].msg);
  // label_sets=1 (ZLabelSet{labels=1}), ComponentType=2, store=3 StoreInfo
  assert.deepEqual(labelPairs(fields(info.find((f) => f.n === 1)!.b), 1), ["cluster=eu"]);
  assert.equal(str(info.find((f) => f.n === 2)!.b), "store");
  const st = fields(info.find((f) => f.n === 3)!.b);
  assert.equal(st.find((f) => f.n === 2)?.v, BigInt(119 * 15000));
  assert.equal(st.find((f) => f.n === 5)?.v, 1n); // supports_without_replica_labels

  const legacy = await curl("/thanos.Store/Info", grpcFrame([]));
  assert.equal(legacy.status, "0", legacy.head);
  const li = fields(grpcFrames(legacy.body)[0].msg);
  assert.equal(li.find((f) => f.n === 3)?.v, BigInt(119 * 15000)); // max_time
  assert.equal(li.find((f) => f.n === 4)?.v, 4n); // storeType STORE
  assert.deepEqual(labelPairs(fields(li.find((f) => f.n === 5)!.b), 1), ["cluster=eu"]);
});

test("curl: snappy-compressed request and response (grpc-encoding: snappy, framed format)", async () => {
  // Pad the request with many matchers that all match "big", so it is worth compressing.
  const req = [...vfield(2, 10_000)];
  for (let i = 0; i < 50; i++) req.push(...bfield(3, matcher(2, "__name__", `big|unused_metric_name_${i}`)));
  const body = snappyFramedEncode(new Uint8Array(req));
  const res = await curl("/thanos.Store/Series", grpcFrame(body, true), ["grpc-encoding: snappy", "grpc-accept-encoding: snappy"]);
  assert.equal(res.status, "0", res.head);
  assert.match(res.head, /grpc-encoding: snappy/);
  const frames = grpcFrames(res.body);
  assert.equal(frames.length, 1);
  assert.ok(frames[0].compressed, "large response frame is compressed");
  assert.deepEqual([...frames[0].msg.subarray(0, 10)], [0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);
  const s = fields(fields(snappyFramedDecode(frames[0].msg))[0].b);
  assert.deepEqual(labelPairs(s, 1), ["__name__=big", "cluster=eu"]);
  const raw = fields(fields(s.find((f) => f.n === 2)!.b).find((f) => f.n === 3)!.b);
  assert.deepEqual(raw.find((f) => f.n === 2)!.b, bigData);
  assert.equal(raw.find((f) => f.n === 3)!.v, 42n); // hash
});

test("curl: response_batch_size=16 sends SeriesBatch frames (field 4)", async () => {
  const res = await curl("/thanos.Store/Series", grpcFrame([...vfield(2, 10_000_000), ...bfield(3, matcher(0, "__name__", "up")), ...vfield(16, 16)]));
  assert.equal(res.status, "0", res.head);
  const frames = grpcFrames(res.body);
  assert.equal(frames.length, 1);
  const top = fields(frames[0].msg);
  assert.equal(top[0].n, 4);
  const batch = fields(top[0].b).filter((f) => f.n === 1);
  assert.deepEqual(batch.map((b) => labelPairs(fields(b.b), 1).join(",")), ["__name__=up,cluster=eu,instance=a,job=api", "__name__=up,cluster=eu,job=db"]);
});
