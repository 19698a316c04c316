// Store gateway Series throughput: a filesystem bucket of 4 consecutive 2h blocks x 5000 series
// (one 120-sample XOR chunk per series per block, so each streamed series carries 4 chunks / 480
// samples), all series selected. Baseline: the same series and chunk bytes served from a
// MemoryStore in-process (no index, no bucket reads). Compared: BucketStore in-process with a
// warm index cache, with no index cache (every postings list and series entry read by range
// again), and the BucketStore behind real gRPC (h2c).
// Run: npm run bench -- store-series
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bench, group, summary } from "mitata";
import { create } from "@bufbuild/protobuf";
import { SeriesRequestSchema } from "../src/gen/thanos/store/rpc_pb.ts";
import { AggrChunkSchema, ChunkSchema, type AggrChunk } from "../src/gen/thanos/store/types_pb.ts";
import { xxhash64 } from "../src/codec/xxhash64.ts";
import { xorEncode } from "../src/kernels/index.ts";
import { compareLabels, Matcher, type Label } from "../src/labels/index.ts";
import { FilesystemBucket } from "../src/objstore/index.ts";
import { BucketStore } from "../src/store/bucket/index.ts";
import { createStoreClient, serveStoreGrpc } from "../src/store/grpc/index.ts";
import { matchersToProto, type StoreAPI } from "../src/store/index.ts";
import { MemoryStore } from "../src/store/memory/index.ts";
import { BlockWriter } from "../src/tsdb/block/index.ts";

const BLOCKS = 4;
const SERIES = 5000;
const SAMPLES = 120;
const H2 = 7_200_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % H2);

const dir = await mkdtemp(join(tmpdir(), "aeon-bench-store-"));
const labels: Label[][] = Array.from({ length: SERIES }, (_, i) => [
  { name: "__name__", value: `bench_metric_${i % 10}` },
  { name: "instance", value: `host-${String(i).padStart(5, "0")}:9100` },
  { name: "job", value: `job-${i % 7}` },
]).sort(compareLabels);
const memSeries = labels.map((ls) => ({ labels: ls, chunks: [] as AggrChunk[] }));
for (let b = 0; b < BLOCKS; b++) {
  const min = T0 + b * H2;
  const w = await BlockWriter.create(join(dir, "bucket"), { minTime: min, maxTime: min + H2 });
  const ts = Float64Array.from({ length: SAMPLES }, (_, k) => min + k * 60_000);
  for (let i = 0; i < SERIES; i++) {
    const data = xorEncode(ts, Float64Array.from({ length: SAMPLES }, (_, k) => Math.round(Math.sin(i + k) * 1000) / 10));
    await w.addSeries(labels[i], [{ encoding: 1, data, minTime: ts[0], maxTime: ts[SAMPLES - 1] }]);
    memSeries[i].chunks.push(create(AggrChunkSchema, { minTime: BigInt(ts[0]), maxTime: BigInt(ts[SAMPLES - 1]), raw: create(ChunkSchema, { data, hash: xxhash64(data) }) }));
  }
  await w.finish();
}

const bucket = new FilesystemBucket({ directory: join(dir, "bucket") });
const memory = new MemoryStore({ series: memSeries });
const warm = new BucketStore({ bucket });
const nocache = new BucketStore({ bucket, indexCacheBytes: 0 });
await warm.sync();
await nocache.sync();
const server = await serveStoreGrpc({ address: "127.0.0.1:0", store: warm });
const client = createStoreClient({ address: `127.0.0.1:${server.port}` });
const req = create(SeriesRequestSchema, { minTime: BigInt(T0), maxTime: BigInt(T0 + BLOCKS * H2), matchers: matchersToProto([new Matcher("=~", "__name__", "bench_metric_.*")]) });

async function drain(s: StoreAPI): Promise<void> {
  let n = 0;
  let chunks = 0;
  for await (const r of s.series(req)) {
    if (r.result.case !== "series") continue;
    n++;
    chunks += r.result.value.chunks.length;
  }
  if (n !== SERIES || chunks !== SERIES * BLOCKS) throw new Error(`got ${n} series / ${chunks} chunks, want ${SERIES} / ${SERIES * BLOCKS}`);
}
await drain(warm); // fill the cache

summary(() => {
  group(`store gateway Series: ${SERIES} series x ${BLOCKS} blocks x ${SAMPLES} samples`, () => {
    bench("Series MemoryStore (same chunks, in-process)", () => drain(memory)).baseline(true);
    bench("Series BucketStore, warm index cache", () => drain(warm));
    bench("Series BucketStore, no index cache", () => drain(nocache));
    bench("Series BucketStore over gRPC (h2c)", () => drain(client));
  });
});

// run.ts prints series/s for these; samples/s = series/s x 480.
export const itemsPerIteration: Record<string, number> = {
  "Series MemoryStore (same chunks, in-process)": SERIES,
  "Series BucketStore, warm index cache": SERIES,
  "Series BucketStore, no index cache": SERIES,
  "Series BucketStore over gRPC (h2c)": SERIES,
};

export async function teardown(): Promise<void> {
  await client.close();
  await server.close();
  await warm.stop();
  await nocache.stop();
  await rm(dir, { recursive: true, force: true });
}
