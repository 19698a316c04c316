// Runs, in one process, each piece of Aeon that carries sample values from bytes to bytes and
// prints (one JSON line) the bits it yields for a Prometheus stale marker. Run under node, bun
// and deno by bun-stale-markers.test.ts: Bun canonicalises NaN payloads whenever a NaN becomes a
// JS number, so any piece that moves values through numbers shows 7ff8000000000000 there.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newMatcher } from "../../src/labels/index.ts";
import { decodeWriteRequestV1, decodeWriteRequestV2 } from "../../src/receive/remote-write/index.ts";
import { LocalTSDB, headBlockWriter } from "../../src/tsdb/head/index.ts";
import { createCheckpoint, decodeSamples, listSegments, replayWAL, RECORD_SAMPLES } from "../../src/tsdb/wal/index.ts";
import { iterSeriesSamples, openBlockDir } from "../../src/tsdb/block/index.ts";
import { compactSamples, decodeXorChunks, encodeXorChunk, f64Words, F64_HI, F64_LO, xorDecode } from "../../src/kernels/index.ts";
import { isStaleAt } from "../../src/promql/value.ts";
import { toBinary } from "@bufbuild/protobuf";
import { WriteRequestSchema } from "../../src/gen/thanos/store/rpc_pb.ts";
import { toWriteRequest } from "../../src/receive/forward/index.ts";
import { decodeWriteRequest } from "../../src/receive/forward/decode-write-request.ts";
import { concat, int64Field, lenField, strField, tag, varint } from "../receive/fixtures/pb.ts";

const T0 = 1_700_000_000_000;
const STALE_LE = Uint8Array.of(2, 0, 0, 0, 0, 0, 0xf0, 0x7f); // wire order of a fixed64
const FORTY_TWO_LE = Uint8Array.of(0, 0, 0, 0, 0, 0, 0x45, 0x40);

function hexAt(vs: Float64Array, i: number): string {
  const w = f64Words(vs);
  return w[2 * i + F64_HI].toString(16).padStart(8, "0") + w[2 * i + F64_LO].toString(16).padStart(8, "0");
}
// The bits of the sample at T0 + 15s (the stale marker in every series below).
function staleOf(ts: Float64Array, vs: Float64Array): string {
  const i = ts.indexOf(T0 + 15_000);
  return i < 0 ? "missing" : hexAt(vs, i);
}

const sample = (t: number, le: Uint8Array) => concat(tag(1, 1), le, int64Field(2, t));
const samples = [sample(T0, FORTY_TWO_LE), sample(T0 + 15_000, STALE_LE)];
const v1 = lenField(1, concat(lenField(1, concat(strField(1, "__name__"), strField(2, "probe_v1"))), ...samples.map((s) => lenField(2, s))));
const v2 = concat(strField(4, ""), strField(4, "__name__"), strField(4, "probe_v2"), lenField(5, concat(lenField(1, concat(varint(1), varint(2))), ...samples.map((s) => lenField(2, s)))));

const out: Record<string, string | number> = {};
const d1 = decodeWriteRequestV1(v1);
const d2 = decodeWriteRequestV2(v2);
out.remoteWriteV1 = staleOf(d1.ts.subarray(0, d1.samples), d1.vs);
out.remoteWriteV2 = staleOf(d2.ts.subarray(0, d2.samples), d2.vs);

// Hashring forwarding: the thanos.WriteRequest bytes a receiver sends on (its TimeSeries are
// remote write 1.0's, so the 1.0 decoder reads them and skips tenant/replica).
const fwd = decodeWriteRequestV1(toBinary(WriteRequestSchema, toWriteRequest("t", 1, d1, d1.series)));
out.forwardWire = staleOf(fwd.ts.subarray(0, fwd.samples), fwd.vs);
// …and as the receiving receiver decodes them (thanos.WriteableStore/RemoteWrite's raw decoder).
const fwdIn = decodeWriteRequest(toBinary(WriteRequestSchema, toWriteRequest("t", 1, d1, d1.series))).write.batch;
out.forwardDecode = staleOf(fwdIn.ts, fwdIn.vs);

const dir = await mkdtemp(join(tmpdir(), "aeon-stale-probe-"));
try {
  const db = await LocalTSDB.open(dir);
  db.append(d1);
  db.append(d2);
  await db.commit();
  const both = [newMatcher("=~", "__name__", "probe_v.")];
  const headChunk = db.head.select(both, -Infinity, Infinity)[0].chunks[0].data;
  const ref = xorDecode(headChunk);
  out.headChunkRef = staleOf(ref.ts, ref.vs);
  const wasm = decodeXorChunks([headChunk]);
  out.headChunkWasm = staleOf(wasm.ts, wasm.vs);
  const sel = db.head.selectSamples(both, -Infinity, Infinity);
  out.headSelectV1 = staleOf(sel[0].ts, sel[0].vs);
  out.headSelectV2 = staleOf(sel[1].ts, sel[1].vs);
  // Same timestamp and same bits is a no-op (1); a plain NaN is a different value (3).
  const s = db.head.get([{ name: "__name__", value: "probe_v1" }])!;
  out.appendSameStale = db.head.appendBits(s, T0 + 15_000, 0x7ff00000, 2, -Infinity);
  out.appendNaNOverStale = db.head.appendBits(s, T0 + 15_000, 0x7ff80000, 0, -Infinity);
  await db.close();

  const replayed = await LocalTSDB.open(dir);
  const r = replayed.head.selectSamples(both, -Infinity, Infinity);
  out.walReplayV1 = staleOf(r[0].ts, r[0].vs);
  out.walReplayV2 = staleOf(r[1].ts, r[1].vs);

  // A block cut from the head, read back (chunk bytes copied, then decoded and filtered).
  const series = replayed.head.select(both, -Infinity, Infinity).map((h) => ({ labels: h.labels, chunks: h.chunks }));
  const ulid = await headBlockWriter()(dir, T0 - 3_600_000, T0 + 3_600_000, series);
  const block = await openBlockDir(join(dir, ulid));
  for await (const bs of iterSeriesSamples(block, [newMatcher("=", "__name__", "probe_v1")], T0 + 1, Infinity)) out.blockSamples = staleOf(bs.ts, bs.vs);
  await block.close();
  await replayed.close();

  // A checkpoint rewrites the sample records.
  const walDir = join(dir, "wal");
  const segs = await listSegments(walDir);
  await createCheckpoint(walDir, segs[segs.length - 1], { keepSeries: () => true, mint: -Infinity });
  const found: string[] = [];
  await replayWAL(walDir, (rec) => {
    if (rec[0] !== RECORD_SAMPLES) return;
    const b = decodeSamples(rec);
    found.push(staleOf(b.ts.subarray(0, b.n), b.vs));
  });
  out.walCheckpoint = found.length === 2 && found[0] === found[1] ? found[0] : found.join(",");
} finally {
  await rm(dir, { recursive: true, force: true });
}

// Encoders given a Float64Array, and the tombstone/range filter helper.
const ts = Float64Array.of(T0, T0 + 15_000, T0 + 30_000);
const vs = new Float64Array(3);
vs.set(d1.vs.subarray(0, 2)); // typed-array copy: bits kept
const enc = xorDecode(encodeXorChunk(ts.subarray(0, 2), vs));
out.xorEncodeWasm = staleOf(enc.ts, enc.vs);
const n = compactSamples(ts, vs, (t) => t !== T0);
out.compactSamples = staleOf(ts.subarray(0, n), vs);

// The PromQL staleness check on stored samples, also once the JIT has optimised it.
let hits = 0;
for (let k = 0; k < 200_000; k++) if (isStaleAt(d1.vs, 1) && !isStaleAt(d1.vs, 0)) hits++;
out.isStaleAtHot = hits;

console.log(JSON.stringify(out));
