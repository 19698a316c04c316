// Remote-write ingestion: body decoding (snappy + protobuf), head append, WAL encoding.
// Baselines in the same run: the generated @bufbuild/protobuf decoder for the same 1.0 body
// (what we would use without the hand-written wire reader), and decode-only vs full ingest.
// Workload: Prometheus 2.42's default batch — 500 series x 1 sample, ~6 labels per series —
// and a dense one (50 series x 100 samples). Full ingest runs against a real LocalTSDB in a
// temp dir; "fsync" variants await the WAL fsync every request, as a 2xx requires.
import { bench, do_not_optimize, group, summary } from "mitata";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromBinary } from "@bufbuild/protobuf";
import { WriteRequestSchema } from "../src/gen/prometheus/remote_pb.ts";
import { decodeRemoteWrite } from "../src/receive/remote-write/index.ts";
import { snappyBlockDecode } from "../src/codec/snappy/index.ts";
import { LocalTSDB } from "../src/tsdb/head/index.ts";
import { snappy, v1Request, v2Request, type TestSeries } from "../tests/receive/fixtures/pb.ts";

const T0 = 1_700_000_000_000;
const limits = { maxDecodedBytes: 256 << 20 };

function sparse(t: number): TestSeries[] {
  const out: TestSeries[] = [];
  for (let i = 0; i < 500; i++) {
    out.push({
      labels: [
        ["__name__", `http_requests_total_${i % 25}`],
        ["code", String(200 + (i % 5))],
        ["handler", `/api/v1/endpoint/${i % 20}`],
        ["instance", `10.0.${i % 7}.${i % 13}:9090`],
        ["job", "api-server"],
        ["method", i % 2 ? "GET" : "POST"],
      ],
      samples: [[t, i * 1.5 + t / 1000]],
    });
  }
  return out;
}

function dense(t: number): TestSeries[] {
  const out: TestSeries[] = [];
  for (let i = 0; i < 50; i++) {
    const samples: Array<[number, number]> = [];
    for (let k = 0; k < 100; k++) samples.push([t + k * 15000, Math.round(Math.sin(k + i) * 1000) / 10]);
    out.push({ labels: [["__name__", "node_cpu_seconds_total"], ["cpu", String(i)], ["instance", "host:9100"], ["job", "node"], ["mode", "idle"]], samples });
  }
  return out;
}

const sparseV1 = snappy(v1Request(sparse(T0)));
const sparseV2 = snappy(v2Request(sparse(T0)));
const denseV1 = snappy(v1Request(dense(T0)));

const dir = mkdtempSync(join(tmpdir(), "aeon-bench-rx-"));
const dbNoSync = await LocalTSDB.open(join(dir, "nosync"), { walSegmentSize: 16 << 20 });
const dbSync = await LocalTSDB.open(join(dir, "sync"), { walSegmentSize: 16 << 20 });
const dbNone = await LocalTSDB.open(join(dir, "nocomp"), { walSegmentSize: 16 << 20, walCompression: "none" });
const dbDense = await LocalTSDB.open(join(dir, "dense"), { walSegmentSize: 16 << 20 });

// Each iteration appends the same series one scrape later (decoded once per iteration, then
// its timestamps shifted), so every sample is a real append.
function ingest(db: LocalTSDB, body: Uint8Array, step: { n: number }) {
  const d = decodeRemoteWrite(body, "1.0", limits);
  const shift = ++step.n * 15000 * 100;
  for (let i = 0; i < d.samples; i++) d.ts[i] += shift;
  const s = db.append(d);
  if (s.appended !== d.samples) throw new Error(`appended ${s.appended} of ${d.samples}`);
  return s;
}
const stepA = { n: 0 };
const stepB = { n: 0 };
const stepC = { n: 0 };
const stepD = { n: 0 };
let pending = 0;

// Warm the JIT on the shared code first, so the first bench of a group is not penalised.
{
  const warm = await LocalTSDB.open(join(dir, "warm"), { walSegmentSize: 16 << 20 });
  const step = { n: 0 };
  for (let i = 0; i < 300; i++) {
    ingest(warm, sparseV1, step);
    decodeRemoteWrite(sparseV2, "2.0", limits);
    if (i % 50 === 0) await warm.commit();
  }
  await warm.close();
}

export const itemsPerIteration: Record<string, number> = {
  "decode v1 500x1: generated @bufbuild/protobuf": 500,
  "decode v1 500x1: hand wire reader": 500,
  "decode v2 500x1: hand wire reader": 500,
  "decode v1 50x100: generated @bufbuild/protobuf": 5000,
  "decode v1 50x100: hand wire reader": 5000,
  "ingest v1 500x1: decode+head+WAL(snappy)": 500,
  "ingest v1 500x1: decode+head+WAL(none)": 500,
  "ingest v1 50x100: decode+head+WAL(snappy)": 5000,
  "ingest v1 500x1: decode+head+WAL+fsync each request": 500,
};

group("remote write decode (snappy + protobuf)", () => {
  summary(() => {
    bench("decode v1 500x1: generated @bufbuild/protobuf", () => do_not_optimize(fromBinary(WriteRequestSchema, snappyBlockDecode(sparseV1)))).baseline(true);
    bench("decode v1 500x1: hand wire reader", () => do_not_optimize(decodeRemoteWrite(sparseV1, "1.0", limits)));
    bench("decode v2 500x1: hand wire reader", () => do_not_optimize(decodeRemoteWrite(sparseV2, "2.0", limits)));
  });
});

group("remote write decode, dense", () => {
  summary(() => {
    bench("decode v1 50x100: generated @bufbuild/protobuf", () => do_not_optimize(fromBinary(WriteRequestSchema, snappyBlockDecode(denseV1)))).baseline(true);
    bench("decode v1 50x100: hand wire reader", () => do_not_optimize(decodeRemoteWrite(denseV1, "1.0", limits)));
  });
});

group("ingest: decode + head append + WAL", () => {
  summary(() => {
    bench("ingest v1 500x1: decode+head+WAL(snappy)", async () => {
      do_not_optimize(ingest(dbNoSync, sparseV1, stepA));
      if (++pending % 64 === 0) await dbNoSync.commit(); // keep the write queue bounded
    }).baseline(true);
    bench("ingest v1 500x1: decode+head+WAL(none)", async () => {
      do_not_optimize(ingest(dbNone, sparseV1, stepC));
      if (++pending % 64 === 0) await dbNone.commit();
    });
    bench("ingest v1 50x100: decode+head+WAL(snappy)", async () => {
      do_not_optimize(ingest(dbDense, denseV1, stepD));
      if (++pending % 64 === 0) await dbDense.commit();
    });
    bench("ingest v1 500x1: decode+head+WAL+fsync each request", async () => {
      ingest(dbSync, sparseV1, stepB);
      await dbSync.commit();
    });
  });
});
