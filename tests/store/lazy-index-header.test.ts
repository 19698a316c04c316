// The store gateway's lazy index-header reader (--store.enable-index-header-lazy-reader): index
// readers opened on first use (one load for concurrent first users), unloaded when idle but
// never under a running request, corruption found at load handled like at sync; and the
// postings offset table sampling (--store.index-header-posting-offsets-in-mem-sampling), whose
// value must never change an answer.
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { uploadBlock } from "../../src/blockstore/index.ts";
import { storeCommand } from "../../src/cmd/store.ts";
import { FlagError, parseFlags } from "../../src/cmd/flags.ts";
import { LabelNamesRequestSchema, LabelValuesRequestSchema, SeriesRequestSchema, type SeriesResponse } from "../../src/gen/thanos/store/rpc_pb.ts";
import { Matcher, type Label } from "../../src/labels/index.ts";
import { Registry } from "../../src/observability/index.ts";
import { FilesystemBucket } from "../../src/objstore/index.ts";
import { BucketStore, type BucketStoreOptions } from "../../src/store/bucket/index.ts";
import { BucketByteSource } from "../../src/store/bucket/bucket-source.ts";
import { LruIndexCache } from "../../src/store/bucket/cache.ts";
import { BlockIndex, IndexClosedError } from "../../src/store/bucket/lazy-index.ts";
import { matchersToProto } from "../../src/store/index.ts";
import { BlockWriter } from "../../src/tsdb/block/index.ts";
import { readBE64 } from "../../src/tsdb/encoding/index.ts";
import { CorruptionError } from "../../src/tsdb/errors.ts";
import { IndexReader } from "../../src/tsdb/index/index.ts";
import { waitFor } from "../helpers/net.ts";
import { collect, responseLines } from "./bucket-fixtures.ts";

const H = 3600_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % (2 * H));
const BLOCKS = 3; // [T0, T0+2h), [T0+2h, T0+4h), [T0+4h, T0+6h)
const ALL_TIME = [0, 9e15] as const;

// 300 series: 3 metrics x 100 instances, 3 jobs, a unique uid each: labels with more values
// than one sample slot of 64, so samplings 1, 32 and 64 slice the table differently.
function seriesLabels(): Label[][] {
  const out: Label[][] = [];
  for (let m = 0; m < 3; m++) {
    for (let i = 0; i < 100; i++) {
      const n = m * 100 + i;
      out.push([
        { name: "__name__", value: `metric_${m}` },
        { name: "instance", value: `i-${String(i).padStart(3, "0")}` },
        { name: "job", value: ["api", "db", "web"][i % 3] },
        { name: "uid", value: (n * 2654435761 >>> 0).toString(16).padStart(8, "0") },
      ]);
    }
  }
  return out;
}

async function writeBlock(dir: string, min: number): Promise<string> {
  const w = await BlockWriter.create(dir, { thanos: { labels: { cluster: "eu" }, downsample: { resolution: 0 }, source: "sidecar" }, minTime: min, maxTime: min + 2 * H });
  const all = seriesLabels().sort((a, b) => (key(a) < key(b) ? -1 : 1));
  for (const ls of all) {
    const ts = Float64Array.from({ length: 120 }, (_, i) => min + i * 60_000);
    const vs = Float64Array.from({ length: 120 }, (_, i) => i * 0.5 + ls[1].value.length);
    await w.addFloatSeries(ls, ts, vs);
  }
  return (await w.finish()).dir;
}

const key = (ls: readonly Label[]) => ls.map((l) => `${l.name}\xff${l.value}`).join("\xfe");
const m = (t: "=" | "!=" | "=~" | "!~", n: string, v: string) => new Matcher(t, n, v);
const seriesReq = (ms: Matcher[], mint: number = ALL_TIME[0], maxt: number = ALL_TIME[1]) =>
  create(SeriesRequestSchema, { minTime: BigInt(mint), maxTime: BigInt(maxt), matchers: matchersToProto(ms) });
const metric = (r: Registry, name: string): number => {
  const v = new RegExp(`^${name} (\\S+)$`, "m").exec(r.metricsText());
  assert.ok(v, `${name} not exposed`);
  return Number(v[1]);
};
const LOADS = "thanos_bucket_store_indexheader_lazy_load_total";
const LOAD_FAILURES = "thanos_bucket_store_indexheader_lazy_load_failed_total";
const UNLOADS = "thanos_bucket_store_indexheader_lazy_unload_total";

const MATCHER_CASES: Matcher[][] = [
  [m("=", "__name__", "metric_1")],
  [m("=", "job", "db"), m("=~", "instance", "i-0[2-4].*")],
  [m("=", "__name__", "metric_2"), m("!=", "job", "api")],
  [m("=~", "uid", "[0-7].*"), m("!~", "instance", "i-00.")],
  [m("=~", "instance", "i-001|i-050|i-099|i-100")],
  [m("=", "__name__", "metric_0"), m("=", "uid", "nope")],
];

describe("lazy index-header reader and postings offset sampling", () => {
  let dir: string;
  let bucket: FilesystemBucket;
  let ids: string[];
  let n = 0;
  const stores: BucketStore[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "aeon-lazy-index-"));
    bucket = new FilesystemBucket({ directory: join(dir, "bucket") });
    ids = [];
    for (let b = 0; b < BLOCKS; b++) ids.push((await uploadBlock(bucket, await writeBlock(join(dir, "local"), T0 + b * 2 * H))).ulid);
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  const newStore = async (opts: Partial<BucketStoreOptions> = {}) => {
    const registry = new Registry();
    const dataDir = join(dir, `data-${n++}`);
    const store = new BucketStore({ bucket, registry, dataDir, ...opts });
    stores.push(store);
    await store.sync();
    return { store, registry, dataDir };
  };
  const answer = async (store: BucketStore, ms: Matcher[], mint: number = ALL_TIME[0], maxt: number = ALL_TIME[1]) =>
    responseLines(await collect(store.series(seriesReq(ms, mint, maxt))), mint, maxt);
  const loadedIds = (store: BucketStore) => store.loadedBlocks.filter((b) => b.indexLoaded).map((b) => b.id).sort();

  let eager: BucketStore;
  test("lazy: sync makes the index-header files but loads no reader; Info loads nothing", async () => {
    eager = (await newStore()).store;
    assert.equal(loadedIds(eager).length, BLOCKS, "eager store loads every reader at sync");
    const { store, registry, dataDir } = await newStore({ lazyIndexHeader: true });
    assert.equal(store.loadedBlocks.length, BLOCKS);
    assert.deepEqual(loadedIds(store), []);
    assert.equal(metric(registry, LOADS), 0);
    for (const id of ids) assert.ok((await stat(join(dataDir, id, "index-header"))).size > 0, `index-header of ${id}`);
    assert.match(registry.metricsText(), new RegExp(`aeon_bucket_store_index_headers_total\\{origin="built"\\} ${BLOCKS}`));
    const info = await store.info();
    assert.equal(info.store?.minTime, BigInt(T0));
    assert.equal(info.store?.maxTime, BigInt(T0 + BLOCKS * 2 * H));
    assert.equal(metric(registry, LOADS), 0);
    assert.deepEqual(loadedIds(store), []);
  });

  test("a Series call loads only the blocks it touches; answers equal the eager store's", async () => {
    const { store, registry } = await newStore({ lazyIndexHeader: true });
    const mint = T0 + 2 * H + 10 * 60_000;
    const maxt = T0 + 3 * H;
    const got = await answer(store, [m("=", "__name__", "metric_1")], mint, maxt);
    assert.equal(metric(registry, LOADS), 1);
    const middle = store.loadedBlocks.find((b) => b.meta.minTime === T0 + 2 * H)!;
    assert.deepEqual(loadedIds(store), [middle.id]);
    assert.deepEqual(got, await answer(eager, [m("=", "__name__", "metric_1")], mint, maxt));
    assert.equal(got.series.length, 100);
    for (const ms of MATCHER_CASES) assert.deepEqual(await answer(store, ms), await answer(eager, ms), ms.join(","));
    assert.equal(metric(registry, LOADS), BLOCKS, "each block loaded once, then reused");
    assert.equal(metric(registry, LOAD_FAILURES), 0);
    assert.match(registry.metricsText(), new RegExp(`thanos_bucket_store_indexheader_lazy_load_duration_seconds_count ${BLOCKS}`));
  });

  test("label calls: loaded when they need the index, answers equal the eager store's", async () => {
    const { store, registry } = await newStore({ lazyIndexHeader: true });
    // Only an external label, no matchers: the meta answers, nothing is loaded.
    const clusters = await store.labelValues(create(LabelValuesRequestSchema, { label: "cluster" }));
    assert.deepEqual(clusters.values, ["eu"]);
    assert.equal(metric(registry, LOADS), 0);
    const names = await store.labelNames(create(LabelNamesRequestSchema, {}));
    assert.deepEqual(names.names, (await eager.labelNames(create(LabelNamesRequestSchema, {}))).names);
    assert.deepEqual(names.names, ["__name__", "cluster", "instance", "job", "uid"]);
    assert.equal(metric(registry, LOADS), BLOCKS);
    for (const [label, ms] of [["job", []], ["instance", [m("=", "job", "web")]], ["cluster", [m("=", "uid", "nope")]], ["uid", [m("=~", "instance", "i-01.")]]] as const) {
      const r = create(LabelValuesRequestSchema, { label, matchers: matchersToProto([...ms]) });
      assert.deepEqual((await store.labelValues(r)).values, (await eager.labelValues(r)).values, `${label} ${ms.join(",")}`);
    }
  });

  test("concurrent first queries cause exactly one load per block", async () => {
    const { store, registry } = await newStore({ lazyIndexHeader: true });
    const results = await Promise.all([
      ...MATCHER_CASES.map((ms) => answer(store, ms)),
      store.labelValues(create(LabelValuesRequestSchema, { label: "instance", matchers: matchersToProto([m("=", "job", "db")]) })),
      store.labelNames(create(LabelNamesRequestSchema, {})),
    ]);
    assert.equal(metric(registry, LOADS), BLOCKS);
    assert.deepEqual(loadedIds(store), [...ids].sort());
    for (let i = 0; i < MATCHER_CASES.length; i++) assert.deepEqual(results[i], await answer(eager, MATCHER_CASES[i]));
  });

  test("idle readers are unloaded after the timeout and reloaded by the next query", async () => {
    const { store, registry } = await newStore({ lazyIndexHeader: true, lazyIndexIdleTimeoutMs: 50 });
    const want = await answer(eager, MATCHER_CASES[1]);
    assert.deepEqual(await answer(store, MATCHER_CASES[1]), want);
    assert.equal(loadedIds(store).length, BLOCKS);
    assert.equal(await store.unloadIdleIndexes(Date.now() - 1000), 0, "used within the timeout");
    assert.equal(await store.unloadIdleIndexes(Date.now() + 1000), BLOCKS);
    assert.equal(metric(registry, UNLOADS), BLOCKS);
    assert.deepEqual(loadedIds(store), []);
    assert.deepEqual(await answer(store, MATCHER_CASES[1]), want);
    assert.equal(metric(registry, LOADS), 2 * BLOCKS);
    // The periodic check started by start() (every tenth of the timeout) does the same.
    store.start(3_600_000);
    await waitFor("idle readers unloaded by the timer", async () => loadedIds(store).length === 0, 10_000, 10);
    assert.equal(metric(registry, UNLOADS), 2 * BLOCKS);
    await store.stop();
  });

  test("an idle timeout of 0 never unloads; eager readers are never unloaded", async () => {
    const lazy = await newStore({ lazyIndexHeader: true, lazyIndexIdleTimeoutMs: 0 });
    await answer(lazy.store, MATCHER_CASES[0]);
    assert.equal(await lazy.store.unloadIdleIndexes(Date.now() + 3_600_000), 0);
    assert.equal(loadedIds(lazy.store).length, BLOCKS);
    assert.equal(await eager.unloadIdleIndexes(Date.now() + 3_600_000), 0);
    assert.equal(loadedIds(eager).length, BLOCKS);
  });

  test("a block is not unloaded while a request streams from it", async () => {
    const { store, registry } = await newStore({ lazyIndexHeader: true, lazyIndexIdleTimeoutMs: 50 });
    const ms = [m("=~", "__name__", "metric_.*")];
    const want = await answer(eager, ms);
    const it = store.series(seriesReq(ms))[Symbol.asyncIterator]();
    const resps: SeriesResponse[] = [];
    const first = await it.next();
    assert.ok(!first.done);
    resps.push(first.value);
    // Mid-stream, long past the timeout: held by the request, so kept.
    assert.equal(await store.unloadIdleIndexes(Date.now() + 3_600_000), 0);
    assert.equal(loadedIds(store).length, BLOCKS);
    for (let r = await it.next(); !r.done; r = await it.next()) resps.push(r.value);
    assert.deepEqual(responseLines(resps, ...ALL_TIME), want);
    assert.equal(await store.unloadIdleIndexes(Date.now() + 3_600_000), BLOCKS);
    // A client that stops reading early (return()) gives its blocks back too.
    const it2 = store.series(seriesReq(ms))[Symbol.asyncIterator]();
    assert.ok(!(await it2.next()).done);
    assert.equal(await store.unloadIdleIndexes(Date.now() + 3_600_000), 0);
    await it2.return!(undefined);
    assert.equal(await store.unloadIdleIndexes(Date.now() + 3_600_000), BLOCKS);
    assert.equal(metric(registry, UNLOADS), 2 * BLOCKS);
    assert.equal(metric(registry, LOADS), 2 * BLOCKS);
  });

  test("a corrupted index found at lazy load is reported once and skipped; a damaged local file is rebuilt", async () => {
    const d = join(dir, "corrupt");
    await cp(join(dir, "bucket"), join(d, "bucket"), { recursive: true });
    const b2 = new FilesystemBucket({ directory: join(d, "bucket") });
    const [damaged, rebuilt] = ids;
    // The bucket's index of `damaged`: a flipped byte in its symbol table (only the table CRC,
    // checked when the reader samples it, catches it: the index-header copy made at sync looks fine).
    const p = join(d, "bucket", damaged, "index");
    const idx = await readFile(p);
    idx[readBE64(idx, idx.length - 52) + 12] ^= 0xff;
    await writeFile(p, idx);
    const registry = new Registry();
    const dataDir = join(d, "data");
    const store = new BucketStore({ bucket: b2, registry, dataDir, lazyIndexHeader: true });
    stores.push(store);
    await store.sync();
    assert.equal(store.loadedBlocks.length, BLOCKS, "not detected at sync");
    assert.equal(metric(registry, "aeon_bucket_store_corrupted_blocks_total"), 0);
    // The local copy of `rebuilt`: a flipped byte in its postings offset table.
    const hp = join(dataDir, rebuilt, "index-header");
    const h = await readFile(hp);
    h[h.length - 30] ^= 0xff;
    await writeFile(hp, h);

    const ms = [m("=", "__name__", "metric_2")];
    const first = await answer(store, ms);
    assert.equal(first.warnings.length, 1, first.warnings.join("\n"));
    assert.match(first.warnings[0], new RegExp(`block ${damaged} skipped: .*symbol table.*checksum mismatch`));
    assert.equal(metric(registry, "aeon_bucket_store_corrupted_blocks_total"), 1);
    assert.equal(metric(registry, LOAD_FAILURES), 1);
    assert.match(registry.metricsText(), /aeon_bucket_store_index_headers_total\{origin="rebuilt"\} 1/);
    assert.deepEqual(store.loadedBlocks.map((b) => b.id).sort(), ids.filter((id) => id !== damaged).sort());
    await assert.rejects(stat(join(dataDir, damaged)), "the corrupted block's local files are removed");
    // The other two blocks answer as usual.
    const intact = (await answer(eager, ms)).lines.filter((l) => Number(l.split(" ").pop()) >= T0 + 2 * H);
    assert.deepEqual(first.lines, intact);
    const second = await answer(store, ms);
    assert.deepEqual(second.warnings, []);
    assert.deepEqual(second.lines, intact);
    assert.equal(metric(registry, "aeon_bucket_store_corrupted_blocks_total"), 1, "reported once");
  });

  test("postings offset sampling 1 and 64 answer exactly like 32", async () => {
    const by = new Map<number, BucketStore>();
    for (const s of [1, 32, 64]) by.set(s, (await newStore({ postingOffsetsSampling: s })).store);
    // The option reaches every block's reader (sizes worked out below).
    for (const [s, want] of [[1, 407], [32, 21], [64, 14]]) {
      for (const b of by.get(s)!.loadedBlocks) assert.equal(await b.withIndex(async (i) => i.reader.postingOffsetsInMemory), want, `sampling ${s}`);
    }
    const cases = [...MATCHER_CASES, [m("!=", "uid", "")], [m("=~", "uid", ".*f"), m("!=", "job", "db")], [m("=", "instance", "i-063")], [m("=", "instance", "i-064")]];
    for (const ms of cases) {
      const want = await answer(by.get(32)!, ms);
      for (const s of [1, 64]) assert.deepEqual(await answer(by.get(s)!, ms), want, `sampling ${s}: ${ms.join(",")}`);
    }
    for (const [label, ms] of [["uid", []], ["instance", [m("=~", "uid", "[a-f].*")]], ["job", [m("!=", "instance", "i-000")]]] as const) {
      const r = create(LabelValuesRequestSchema, { label, matchers: matchersToProto([...ms]) });
      const want = (await by.get(32)!.labelValues(r)).values;
      assert.ok(want.length > 0);
      for (const s of [1, 64]) assert.deepEqual((await by.get(s)!.labelValues(r)).values, want, `sampling ${s}: ${label}`);
    }
    // At the reader: every value's postings range found the same way whatever the sampling.
    const src = await BucketByteSource.open(bucket, `${ids[0]}/index`);
    const readers = await Promise.all([1, 32, 64, 1000].map((s) => IndexReader.open(src, { postingOffsetsSampling: s })));
    for (const name of ["instance", "uid", "job", "__name__"]) {
      const values = (await readers[1].labelValuesWithRanges(name)).map((r) => r.value);
      const want = await readers[1].postingsRanges(name, [...values, "zzz", ""]);
      assert.equal(want.length, values.length);
      for (const r of readers) assert.deepEqual(await r.postingsRanges(name, [...values, "zzz", ""]), want, name);
      for (const r of readers) assert.deepEqual(await r.postingsRangesWhere(name, (v) => v.endsWith("1")), want.filter((x) => x.value.endsWith("1")));
    }
    // What the option is for: fewer entries in memory as the sampling grows. 4 names + "":
    // instance 100 values, uid 300, job 3, __name__ 3, "" 1 (every n-th plus each name's last).
    assert.deepEqual(readers.map((r) => r.postingOffsetsInMemory), [407, 5 + 11 + 2 + 2 + 1, 3 + 6 + 2 + 2 + 1, 2 + 2 + 2 + 2 + 1]);
    await assert.rejects(IndexReader.open(src, { postingOffsetsSampling: 0 }), /sampling must be an integer > 0/);
    assert.throws(() => new BucketStore({ bucket, postingOffsetsSampling: 0 }), /postingOffsetsSampling must be an integer > 0/);
  });

  test("flags: a sampling of 0 or a bad idle timeout is a flag error", async () => {
    const base = [`--objstore.config=type: FILESYSTEM\nconfig:\n  directory: ${join(dir, "bucket")}\n`, `--data-dir=${join(dir, "flags-data")}`];
    await assert.rejects(storeCommand.run(parseFlags([...base, "--store.index-header-posting-offsets-in-mem-sampling=0"], storeCommand.flags), []), (e: unknown) => e instanceof FlagError && /posting-offsets-in-mem-sampling/.test(e.message));
    await assert.rejects(storeCommand.run(parseFlags([...base, "--store.enable-index-header-lazy-reader", "--store.index-header-lazy-reader-idle-timeout=soon"], storeCommand.flags), []), (e: unknown) => e instanceof FlagError && /idle-timeout/.test(e.message));
  });
});

describe("BlockIndex leases", () => {
  // A stand-in reader: only close() is used by BlockIndex itself.
  const fakeReader = (log: string[], name: string) => ({ close: async () => void log.push(`close ${name}`) }) as unknown as IndexReader;
  const cache = new LruIndexCache(1 << 20);

  test("one load for concurrent acquires; failures are not remembered", async () => {
    const log: string[] = [];
    let fail = true;
    let opens = 0;
    const idx = BlockIndex.lazy("b", cache, async () => {
      opens++;
      await new Promise((r) => setTimeout(r, 5));
      if (fail) throw new CorruptionError({ block: "b", file: "index" }, "bad");
      return fakeReader(log, `r${opens}`);
    });
    const failed = await Promise.allSettled([idx.acquire(), idx.acquire()]);
    assert.equal(opens, 1);
    assert.ok(failed.every((r) => r.status === "rejected" && r.reason instanceof CorruptionError));
    assert.equal(idx.inUse, 0);
    fail = false;
    const got = await Promise.all([idx.acquire(), idx.acquire(), idx.acquire()]);
    assert.equal(opens, 2);
    assert.ok(got.every((g) => g === got[0]));
    assert.equal(idx.inUse, 3);
    for (let i = 0; i < 3; i++) idx.release();
    assert.throws(() => idx.release(), /released more often than acquired/);
  });

  test("closing a block in use keeps its reader until the last release; later acquires fail", async () => {
    const log: string[] = [];
    const idx = BlockIndex.lazy("b", cache, async () => fakeReader(log, "r"));
    await idx.acquire();
    await idx.close();
    assert.deepEqual(log, [], "still held");
    await assert.rejects(idx.acquire(), IndexClosedError);
    idx.release();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(log, ["close r"]);
    assert.equal(idx.loaded, false);
    // An eager index closes at once when nobody holds it, and is never unloaded as idle.
    const eager = BlockIndex.eager("e", cache, fakeReader(log, "e"));
    assert.equal(await eager.unloadIfIdleSince(Date.now() + 1e9), false);
    await eager.close();
    assert.deepEqual(log, ["close r", "close e"]);
  });
});
