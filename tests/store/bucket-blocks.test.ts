// BucketStore semantics on blocks written by Aeon's BlockWriter (external labels, replicas,
// downsampled chunks, deletion marks, corruption, relabel selection), called in-process.
import assert from "node:assert/strict";
import { mkdtemp, rm, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { deletionMarkJson, uploadBlock } from "../../src/blockstore/index.ts";
import { Aggr, LabelNamesRequestSchema, LabelValuesRequestSchema, SeriesRequestSchema } from "../../src/gen/thanos/store/rpc_pb.ts";
import { xorEncode, decodeXorChunks } from "../../src/kernels/index.ts";
import { Matcher, type Label } from "../../src/labels/index.ts";
import { createLogger, Registry } from "../../src/observability/index.ts";
import { FilesystemBucket } from "../../src/objstore/index.ts";
import { BucketStore, LruIndexCache, parseRelabelConfig, partitionChunkRefs, selectBlocks, type BucketBlock } from "../../src/store/bucket/index.ts";
import { matchersToProto, type SeriesResponse } from "../../src/store/index.ts";
import { encodeAggrChunk } from "../../src/tsdb/chunkenc/index.ts";
import { BlockWriter, type ThanosMeta } from "../../src/tsdb/block/index.ts";
import { collect } from "./bucket-fixtures.ts";

const H = 3600_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % (2 * H));
const thanos = (labels: Record<string, string>, resolution = 0): ThanosMeta => ({ labels, downsample: { resolution }, source: resolution ? "compactor" : "sidecar" });

// Raw block: series `up{instance=i, job=j}` with a sample every 15s in [min, max).
async function rawBlock(dir: string, ext: Record<string, string>, min: number, max: number, series: Label[][]): Promise<string> {
  const w = await BlockWriter.create(dir, { thanos: thanos(ext), minTime: min, maxTime: max });
  for (const ls of series) {
    const n = Math.floor((max - min) / 15_000);
    const ts = Float64Array.from({ length: n }, (_, i) => min + i * 15_000);
    const vs = Float64Array.from({ length: n }, (_, i) => i + (ls.length % 7));
    await w.addFloatSeries(ls, ts, vs);
  }
  return (await w.finish()).dir;
}

// 5m-downsampled block: one AggrChunk per hour with count/sum/min/max/counter.
async function downsampledBlock(dir: string, ext: Record<string, string>, min: number, max: number, series: Label[][]): Promise<string> {
  const w = await BlockWriter.create(dir, { thanos: thanos(ext, 300_000), minTime: min, maxTime: max });
  for (const ls of series) {
    const chunks = [];
    for (let h = min; h < max; h += H) {
      const ts = Float64Array.from({ length: 12 }, (_, i) => h + (i + 1) * 300_000 - 1);
      const col = (f: (i: number) => number) => xorEncode(ts, Float64Array.from({ length: 12 }, (_, i) => f(i)));
      chunks.push({
        encoding: 0xff,
        data: encodeAggrChunk({ count: col(() => 20), sum: col((i) => i * 20), min: col((i) => i), max: col((i) => i + 1), counter: col((i) => i * 3) }),
        minTime: ts[0],
        maxTime: ts[11],
        numSamples: 12,
      });
    }
    await w.addSeries(ls, chunks);
  }
  return (await w.finish()).dir;
}

const L = (o: Record<string, string>): Label[] => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, value]) => ({ name, value }));
const SERIES = [L({ __name__: "up", instance: "a", job: "api" }), L({ __name__: "up", instance: "b", job: "api" }), L({ __name__: "up", instance: "c", job: "db" })];

const req = (ms: Matcher[], mint: number, maxt: number, extra: Record<string, unknown> = {}) =>
  create(SeriesRequestSchema, { minTime: BigInt(mint), maxTime: BigInt(maxt), matchers: matchersToProto(ms), ...extra });
const series = (rs: SeriesResponse[]) => rs.filter((r) => r.result.case === "series").map((r) => r.result.value as Extract<SeriesResponse["result"], { case: "series" }>["value"]);
const key = (ls: { name: string; value: string }[]) => ls.map((l) => `${l.name}=${l.value}`).join(",");

describe("bucket store on Aeon-written blocks", () => {
  let dir: string;
  let local: string;
  let bucket: FilesystemBucket;
  const ids: Record<string, string> = {};
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "aeon-bucketstore-blocks-"));
    local = join(dir, "local");
    bucket = new FilesystemBucket({ directory: join(dir, "bucket") });
    // Two replicas of cluster eu (raw, 0-10h), a 5m block of replica r1 for 0-6h, and cluster us.
    ids.r1 = await rawBlock(local, { cluster: "eu", replica: "r1" }, T0, T0 + 10 * H, SERIES);
    ids.r2 = await rawBlock(local, { cluster: "eu", replica: "r2" }, T0, T0 + 10 * H, SERIES);
    ids.ds = await downsampledBlock(local, { cluster: "eu", replica: "r1" }, T0, T0 + 6 * H, SERIES);
    ids.us = await rawBlock(local, { cluster: "us" }, T0, T0 + 2 * H, [L({ __name__: "up", cluster: "ignored-by-ext", instance: "z", job: "api" })]);
    for (const k of Object.keys(ids)) ids[k] = (await uploadBlock(bucket, ids[k])).ulid;
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  test("external labels added (and winning), replica labels stripped with a sorted, merged stream", async () => {
    const store = new BucketStore({ bucket });
    await store.sync();
    const all = series(await collect(store.series(req([new Matcher("=", "__name__", "up")], T0, T0 + 10 * H))));
    const keys = all.map((s) => key(s.labels));
    assert.deepEqual(keys, [...keys].sort(), "sorted");
    assert.ok(keys.includes("__name__=up,cluster=us,instance=z,job=api"), "external label wins over the series label");
    assert.ok(keys.includes("__name__=up,cluster=eu,instance=a,job=api,replica=r2"));
    const dedup = series(await collect(store.series(req([new Matcher("=", "cluster", "eu")], T0, T0 + 10 * H, { withoutReplicaLabels: ["replica"] }))));
    assert.deepEqual(dedup.map((s) => key(s.labels)), ["__name__=up,cluster=eu,instance=a,job=api", "__name__=up,cluster=eu,instance=b,job=api", "__name__=up,cluster=eu,instance=c,job=db"]);
    // Both replicas' chunks (identical data) are sent once each, sorted by time.
    const cs = dedup[0].chunks;
    for (let i = 1; i < cs.length; i++) assert.ok(cs[i - 1].minTime <= cs[i].minTime);
    assert.equal(new Set(cs.map((c) => `${c.minTime}/${c.raw!.hash}`)).size, cs.length);
    // Matchers on external labels select blocks.
    assert.equal(series(await collect(store.series(req([new Matcher("=", "cluster", "us")], T0, T0 + 10 * H)))).length, 1);
    assert.equal(series(await collect(store.series(req([new Matcher("=", "replica", "r3")], T0, T0 + 10 * H)))).length, 0);
    // Label APIs include external labels.
    const names = await store.labelNames(create(LabelNamesRequestSchema, { matchers: matchersToProto([new Matcher("=", "job", "db")]) }));
    assert.deepEqual(names.names, ["__name__", "cluster", "instance", "job", "replica"]);
    const clusters = await store.labelValues(create(LabelValuesRequestSchema, { label: "cluster" }));
    assert.deepEqual(clusters.values, ["eu", "us"]);
    const replicas = await store.labelValues(create(LabelValuesRequestSchema, { label: "replica", matchers: matchersToProto([new Matcher("=", "instance", "z")]) }));
    assert.deepEqual(replicas.values, []);
    const info = await store.info();
    assert.deepEqual(info.labelSets.map((s) => key(s.labels)).sort(), ["cluster=eu,replica=r1", "cluster=eu,replica=r2", "cluster=us"]);
    assert.equal(info.store!.minTime, BigInt(T0));
    assert.equal(info.store!.maxTime, BigInt(T0 + 10 * H));
    await store.stop();
  });

  test("max_resolution_window: coarsest resolution allowed, gaps filled from finer; aggregates", async () => {
    const store = new BucketStore({ bucket });
    await store.sync();
    const ms = [new Matcher("=", "replica", "r1"), new Matcher("=", "instance", "a")];
    const raw = series(await collect(store.series(req(ms, T0, T0 + 10 * H))))[0];
    assert.ok(raw.chunks.every((c) => c.raw && !c.count), "window 0: raw chunks only");
    const ds = series(await collect(store.series(req(ms, T0, T0 + 10 * H, { maxResolutionWindow: 300_000n, aggregates: [Aggr.COUNT, Aggr.SUM] }))))[0];
    const aggr = ds.chunks.filter((c) => c.count);
    assert.equal(aggr.length, 6, "six hourly downsampled chunks for 0-6h");
    assert.ok(aggr.every((c) => c.sum && !c.min && !c.max && !c.counter && !c.raw), "only the requested aggregates");
    assert.ok(ds.chunks.some((c) => c.raw && Number(c.minTime) >= T0 + 6 * H), "6h-10h filled from the raw block");
    const d = decodeXorChunks([aggr[0].sum!.data]);
    assert.deepEqual(Array.from(d.vs), Array.from({ length: 12 }, (_, i) => i * 20));
    // Query entirely inside the 5m block's range: no gap, so the raw block is not used.
    const inside = series(await collect(store.series(req(ms, T0 + H, T0 + 2 * H, { maxResolutionWindow: 3_600_000n, aggregates: [Aggr.MAX] }))))[0];
    assert.ok(inside.chunks.length > 0 && inside.chunks.every((c) => c.max && !c.raw));
    await store.stop();
  });

  test("deletion marks: hidden after the delay; relabel config selects blocks", async () => {
    await bucket.upload(`${ids.us}/deletion-mark.json`, deletionMarkJson(ids.us, "", Date.now() - 25 * H));
    await bucket.upload(`${ids.r2}/deletion-mark.json`, deletionMarkJson(ids.r2, "", Date.now() - H));
    const store = new BucketStore({ bucket });
    await store.sync();
    const loaded = store.loadedBlocks.map((b) => b.id).sort();
    assert.deepEqual(loaded, [ids.r1, ids.r2, ids.ds].sort());
    await store.stop();
    await bucket.delete(`${ids.us}/deletion-mark.json`);
    await bucket.delete(`${ids.r2}/deletion-mark.json`);

    const rules = parseRelabelConfig("- action: keep\n  source_labels: [cluster, replica]\n  regex: eu;r1\n");
    const sel = new BucketStore({ bucket, relabel: rules });
    await sel.sync();
    assert.deepEqual(sel.loadedBlocks.map((b) => b.id).sort(), [ids.r1, ids.ds].sort());
    await sel.stop();
    assert.throws(() => parseRelabelConfig("- action: replace\n  target_label: x\n"), /only keep and drop/);
  });

  test("corrupted blocks are reported once and skipped; the others keep being served", async () => {
    const d2 = await mkdtemp(join(tmpdir(), "aeon-bucketstore-corrupt-"));
    try {
      const b2 = new FilesystemBucket({ directory: join(d2, "bucket") });
      const good = (await uploadBlock(b2, await rawBlock(join(d2, "l"), { replica: "good" }, T0, T0 + 2 * H, SERIES))).ulid;
      const badChunk = (await uploadBlock(b2, await rawBlock(join(d2, "l"), { replica: "badchunk" }, T0, T0 + 2 * H, SERIES))).ulid;
      const badIndex = (await uploadBlock(b2, await rawBlock(join(d2, "l"), { replica: "badindex" }, T0, T0 + 2 * H, SERIES))).ulid;
      const noSeg = (await uploadBlock(b2, await rawBlock(join(d2, "l"), { replica: "noseg" }, T0, T0 + 2 * H, SERIES))).ulid;
      const flip = async (file: string, at: (size: number) => number) => {
        const p = join(d2, "bucket", file);
        const b = await readFile(p);
        b[at(b.length)] ^= 0xff;
        await writeFile(p, b);
      };
      await flip(`${badChunk}/chunks/000001`, () => 8 + 5);
      await flip(`${badIndex}/index`, (n) => n - 20); // inside the TOC
      await rm(join(d2, "bucket", noSeg, "chunks", "000001"));
      const lines: string[] = [];
      const registry = new Registry();
      const store = new BucketStore({ bucket: b2, registry, logger: createLogger({ level: "info", write: (l) => lines.push(l) }) });
      await store.sync();
      await store.sync(); // a second sync must not report the same blocks again
      assert.deepEqual(store.loadedBlocks.map((b) => b.id).sort(), [good, badChunk].sort());
      const rs = await collect(store.series(req([new Matcher("=", "__name__", "up")], T0, T0 + 2 * H)));
      const warn = rs.filter((r) => r.result.case === "warning");
      assert.equal(warn.length, 1);
      assert.match(String(warn[0].result.value), new RegExp(`block ${badChunk}.*checksum mismatch`));
      const got = series(rs);
      assert.deepEqual(got.map((s) => key(s.labels)), SERIES.map((ls) => key([...ls, { name: "replica", value: "good" }])));
      assert.equal(decodeXorChunks(got[0].chunks.map((c) => c.raw!.data)).ts.length, 2 * H / 15_000);
      // Reported once each, then no longer served.
      const again = await collect(store.series(req([new Matcher("=", "__name__", "up")], T0, T0 + 2 * H)));
      assert.equal(again.filter((r) => r.result.case === "warning").length, 0);
      assert.deepEqual(store.loadedBlocks.map((b) => b.id), [good]);
      const text = registry.metricsText();
      assert.match(text, /aeon_bucket_store_corrupted_blocks_total 3/);
      assert.match(text, /thanos_bucket_store_block_load_failures_total 2/);
      const errs = lines.filter((l) => l.includes("level=error") && l.includes("corrupted"));
      assert.equal(errs.length, 3, errs.join("\n"));
      for (const id of [badChunk, badIndex, noSeg]) assert.equal(errs.filter((l) => l.includes(id)).length, 1);
      await store.stop();
    } finally {
      await rm(d2, { recursive: true, force: true });
    }
  });
});

test("index cache: LRU bounded by bytes, hits counted", async () => {
  let hits = 0;
  let evictions = 0;
  const c = new LruIndexCache(10_000, { onHit: (_t, n) => (hits += n), onEvict: (_t, n) => (evictions += n) });
  for (let i = 0; i < 100; i++) c.storePostings("b", { name: "job", value: `v${i}` }, new Uint8Array(400));
  assert.ok(c.bytesUsed <= 10_000);
  assert.ok(evictions > 0);
  const got = await c.fetchPostings("b", [{ name: "job", value: "v99" }, { name: "job", value: "v0" }]);
  assert.equal(got.size, 1, "the newest entry stays, the oldest was evicted");
  assert.equal(hits, 1);
  c.storeSeries("b", 16, new Uint8Array(10));
  c.dropBlock("b");
  assert.equal(c.items, 0);
});

test("chunk reads are merged when gaps are under 512 KiB", () => {
  const segs = [{ name: "x/chunks/000001", size: 4 << 20 }, { name: "x/chunks/000002", size: 4 << 20 }];
  const seg2 = 2 ** 32;
  const ranges = partitionChunkRefs([8, 300, 200_000, 700_000, seg2 + 8, 3_000_000], segs, "x");
  assert.deepEqual(ranges.map((r) => [r.seg, r.start, r.refs.length]), [[0, 8, 4], [0, 3_000_000, 1], [1, 8, 1]]);
});

test("block selection: coarsest resolution within the window, gaps filled from finer ones, per external label set", () => {
  const blk = (id: string, res: number, min: number, max: number, ext: Label[] = []) => ({ id, resolution: res, extLabels: ext, meta: { minTime: min, maxTime: max } }) as unknown as BucketBlock;
  const blocks = [
    blk("1h-a", 3_600_000, 0, 10 * H),
    blk("5m-a", 300_000, 8 * H, 20 * H),
    blk("raw-a", 0, 0, 10 * H),
    blk("raw-b", 0, 10 * H, 30 * H),
    blk("raw-other", 0, 0, 30 * H, L({ cluster: "x" })),
  ];
  const ids = (mint: number, maxt: number, res: number) => selectBlocks(blocks, mint, maxt, res).map((b) => b.id).sort();
  // 1h allowed: 1h for 0-10h, then 5m for 10h-20h, then raw for 20h-30h; the other label set alone.
  assert.deepEqual(ids(0, 30 * H, 3_600_000), ["1h-a", "5m-a", "raw-b", "raw-other"]);
  // 5m allowed: 5m for 8h-20h, raw before (0-8h) and after (20h-30h).
  assert.deepEqual(ids(0, 30 * H, 300_000), ["5m-a", "raw-a", "raw-b", "raw-other"]);
  // Raw only.
  assert.deepEqual(ids(0, 30 * H, 0), ["raw-a", "raw-b", "raw-other"]);
  // Block ranges are half-open: a query starting at 10h does not touch blocks ending at 10h.
  assert.deepEqual(ids(10 * H, 12 * H, 0), ["raw-b", "raw-other"]);
});
