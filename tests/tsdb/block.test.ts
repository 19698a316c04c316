import assert from "node:assert/strict";
import { mkdtemp, readFile, rename, rm, truncate, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { newMatcher } from "../../src/labels/index.ts";
import { xorEncode } from "../../src/kernels/index.ts";
import { BlockWriter, BlockWriterError, openBlockDir, readSeriesSamples, parseMeta, verifyBlock } from "../../src/tsdb/block/index.ts";
import { encodeAggrChunk } from "../../src/tsdb/chunkenc/index.ts";
import { ChunkEncoding, refOffset } from "../../src/tsdb/chunks/index.ts";
import { CorruptionError } from "../../src/tsdb/errors.ts";
import { decodeTombstones, encodeTombstones } from "../../src/tsdb/tombstones/index.ts";
import { isUlid, ulid, ulidTime } from "../../src/tsdb/ulid/index.ts";
import { dumpBlocks } from "../../src/tsdb/dump/index.ts";
import { generate, isStaleBits, sameSamples, type Series } from "./fixtures.ts";

const START = 1_699_999_200_000;

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "aeon-block-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function write(dir: string, series: Series[], opts = {}) {
  const w = await BlockWriter.create(dir, opts);
  for (const s of series) await w.addFloatSeries(s.labels, s.ts, s.vs);
  return w.finish();
}

test("block round trip: samples bit-exact (stale markers too), meta, time filtering", async () => {
  await withDir(async (dir) => {
    const series = generate({ seed: 1, families: 4, perFamily: 5, samples: 700, start: START, stale: true });
    const thanos = { labels: { cluster: "eu1", replica: "a" }, downsample: { resolution: 0 }, source: "test" };
    const { dir: bdir, meta } = await write(dir, series, { thanos, segmentSize: 32 * 1024 });
    assert.ok(isUlid(meta.ulid));
    assert.equal(meta.minTime, series.reduce((m, s) => Math.min(m, s.ts[0]), Infinity));
    assert.equal(meta.maxTime, series.reduce((m, s) => Math.max(m, s.ts[s.ts.length - 1]), -Infinity) + 1);
    assert.equal(meta.stats.numSeries, series.length);
    assert.equal(meta.stats.numSamples, series.length * 700);
    assert.equal(meta.stats.numChunks, series.length * 6); // 700 samples = 5x120 + 100
    const onDisk = parseMeta(await readFile(join(bdir, "meta.json"), "utf8"));
    assert.deepEqual(onDisk.thanos?.labels, thanos.labels);
    const files = onDisk.thanos!.files!;
    assert.ok(files.some((f) => f.rel_path === "index" && f.size_bytes! > 0));
    assert.ok(files.filter((f) => f.rel_path.startsWith("chunks/")).length > 1);

    const b = await openBlockDir(bdir);
    const got = await readSeriesSamples(b, []);
    assert.equal(got.length, series.length);
    let stale = 0;
    got.forEach((g, i) => {
      assert.deepEqual(g.labels, series[i].labels);
      assert.ok(sameSamples(series[i], g), `samples of series ${i}`);
      for (let k = 0; k < g.vs.length; k++) if (isStaleBits(g.vs, k)) stale++;
    });
    assert.ok(stale > 0, "stale markers survive bit-exact");
    // Time range (inclusive both ends) and matchers.
    const s0 = series[3];
    const mint = s0.ts[130];
    const maxt = s0.ts[250];
    const ms = s0.labels.map((l) => newMatcher("=", l.name, l.value));
    const part = await readSeriesSamples(b, ms, mint, maxt);
    assert.equal(part.length, 1);
    assert.deepEqual(part[0].ts, s0.ts.slice(130, 251));
    const chunked = [];
    for await (const e of b.select(ms, mint, maxt)) chunked.push(e);
    assert.equal(chunked[0].chunks.length, 2, "only chunks overlapping the range");
    await b.close();
  });
});

test("tombstones: file format, and deleted samples are not returned", async () => {
  const bytes = encodeTombstones([{ ref: 5, mint: -(2 ** 63), maxt: 100 }, { ref: 5, mint: 101, maxt: 200 }, { ref: 9, mint: 1, maxt: 2 }]);
  assert.equal(Buffer.from(encodeTombstones([])).toString("hex"), "0130ba300100000000");
  const m = decodeTombstones(bytes);
  assert.deepEqual(m.get(5), [{ mint: -(2 ** 63), maxt: 200 }], "adjacent intervals merge");
  const bad = bytes.slice();
  bad[7] ^= 1;
  assert.throws(() => decodeTombstones(bad, { block: "B", file: "tombstones" }), /block B: tombstones: checksum mismatch/);

  await withDir(async (dir) => {
    const series = generate({ seed: 2, families: 1, perFamily: 2, samples: 300, start: START });
    const w = await BlockWriter.create(dir);
    for (const s of series) await w.addFloatSeries(s.labels, s.ts, s.vs);
    const { dir: bdir } = await w.finish();
    // Series refs are known once the index exists: add a tombstone file afterwards, as
    // Prometheus's delete API does.
    const b0 = await openBlockDir(bdir);
    const refs = await b0.postings([]);
    await b0.close();
    await writeFile(join(bdir, "tombstones"), encodeTombstones([{ ref: refs[1], mint: series[1].ts[10], maxt: series[1].ts[19] }]));
    const b = await openBlockDir(bdir);
    const got = await readSeriesSamples(b, []);
    assert.equal(got[0].ts.length, 300);
    assert.equal(got[1].ts.length, 290);
    assert.ok(!got[1].ts.includes(series[1].ts[15]));
    await b.close();
  });
});

test("writer rejects bad input with clear errors and leaves no partial block", async () => {
  await withDir(async (dir) => {
    const w = await BlockWriter.create(dir);
    const l = (v: string) => [{ name: "__name__", value: v }];
    await w.addFloatSeries(l("b"), [1, 2], [1, 2]);
    await assert.rejects(w.addFloatSeries(l("a"), [1], [1]), BlockWriterError);
    await assert.rejects(w.addFloatSeries(l("c"), [2, 2], [1, 1]), /not strictly increasing/);
    await assert.rejects(w.addFloatSeries([{ name: "z", value: "1" }, { name: "a", value: "1" }], [1], [1]), /not sorted/);
    await w.abort();
    const { readdir } = await import("node:fs/promises");
    assert.deepEqual(await readdir(dir), []);
  });
});

test("pre-encoded chunks, including Thanos aggregate chunks (0xFF)", async () => {
  await withDir(async (dir) => {
    const w = await BlockWriter.create(dir, { thanos: { labels: {}, downsample: { resolution: 300000 }, source: "compactor" } });
    const ts = [START + 299_999, START + 599_999];
    const count = xorEncode(ts, [10, 10]);
    const sum = xorEncode(ts, [55.5, 60]);
    const min = xorEncode(ts, [1, 2]);
    const max = xorEncode(ts, [9, 9.5]);
    const counter = xorEncode([...ts, ts[1]], [3, 40, 40]);
    await w.addSeries([{ name: "__name__", value: "ds" }], [
      { encoding: ChunkEncoding.Aggr, data: encodeAggrChunk({ count, sum, min, max, counter }), minTime: ts[0], maxTime: ts[1], numSamples: 2 },
    ]);
    const { dir: bdir, meta } = await w.finish();
    assert.equal(meta.stats.numSamples, 2);
    const b = await openBlockDir(bdir);
    await assert.rejects(readSeriesSamples(b, []), /choose an aggregate/);
    const [s] = await readSeriesSamples(b, [], -Infinity, Infinity, { aggregate: "sum" });
    assert.deepEqual([...s.vs], [55.5, 60]);
    const [c] = await readSeriesSamples(b, [], -Infinity, Infinity, { aggregate: "counter" });
    assert.deepEqual([...c.ts], [...ts, ts[1]]);
    await b.close();
  });
});

test("damaged blocks: errors name block and file, never wrong samples", async () => {
  await withDir(async (dir) => {
    const series = generate({ seed: 3, families: 2, perFamily: 4, samples: 500, start: START });
    const { dir: bdir, meta } = await write(dir, series);
    const id = meta.ulid;
    const original = {
      meta: await readFile(join(bdir, "meta.json")),
      index: await readFile(join(bdir, "index")),
      chunk: await readFile(join(bdir, "chunks", "000001")),
    };
    const restore = async () => {
      await writeFile(join(bdir, "meta.json"), original.meta);
      await writeFile(join(bdir, "index"), original.index);
      await writeFile(join(bdir, "chunks", "000001"), original.chunk);
    };
    const corrupt = (file: string, re: RegExp) => (e: unknown) => {
      assert.ok(e instanceof CorruptionError, `${String(e)}`);
      assert.equal(e.block, id);
      assert.equal(e.file, file);
      assert.match(e.message, re);
      return true;
    };
    const readAll = async () => {
      const b = await openBlockDir(bdir);
      try {
        return await readSeriesSamples(b, []);
      } finally {
        await b.close();
      }
    };
    assert.equal((await readAll()).length, series.length);

    // Flipped byte inside a chunk.
    const b0 = await openBlockDir(bdir);
    const entry = await b0.series((await b0.postings([]))[2]);
    await b0.close();
    const chunkBytes = Buffer.from(original.chunk);
    chunkBytes[refOffset(entry.chunks[1].ref) + 5] ^= 0x10;
    await writeFile(join(bdir, "chunks", "000001"), chunkBytes);
    await assert.rejects(readAll(), corrupt("chunks/000001", /checksum mismatch/));
    await restore();

    // Flipped byte in the series section / the postings.
    const b1 = await openBlockDir(bdir);
    const toc = b1.index.toc;
    await b1.close();
    for (const [at, re] of [
      [toc.series + 40, /series at offset .*checksum mismatch/],
      [toc.postings + 10, /postings list .*checksum mismatch/],
    ] as const) {
      const ix = Buffer.from(original.index);
      ix[at] ^= 0x01;
      await writeFile(join(bdir, "index"), ix);
      await assert.rejects(readAll(), corrupt("index", re));
      await restore();
    }
    // Truncated index.
    await truncate(join(bdir, "index"), original.index.length - 7);
    await assert.rejects(readAll(), corrupt("index", /TOC checksum mismatch/));
    await restore();
    // Bad meta.json.
    await writeFile(join(bdir, "meta.json"), "{ not json");
    await assert.rejects(readAll(), corrupt("meta.json", /invalid JSON/));
    await writeFile(join(bdir, "meta.json"), JSON.stringify({ ...JSON.parse(original.meta.toString()), version: 7 }));
    await assert.rejects(readAll(), corrupt("meta.json", /unsupported meta version 7/));
    await writeFile(join(bdir, "meta.json"), JSON.stringify({ ...JSON.parse(original.meta.toString()), ulid: ulid() }));
    await assert.rejects(readAll(), corrupt("meta.json", /does not match the block directory/));
    await unlink(join(bdir, "meta.json"));
    await assert.rejects(readAll(), corrupt("meta.json", /cannot read/));
    await restore();
    // Missing chunk segment: refs point to a segment that is not there.
    await rename(join(bdir, "chunks", "000001"), join(dir, "moved"));
    await assert.rejects(readAll(), corrupt("chunks/000001", /points to segment 1 but the block has 0/));
    await rename(join(dir, "moved"), join(bdir, "chunks", "000001"));
    assert.equal((await readAll()).length, series.length);
  });
});

test("empty block: valid files, no series", async () => {
  await withDir(async (dir) => {
    const w = await BlockWriter.create(dir, { minTime: START, maxTime: START + 7_200_000 });
    const { dir: bdir, meta } = await w.finish();
    assert.deepEqual([meta.minTime, meta.maxTime, meta.stats.numSeries], [START, START + 7_200_000, 0]);
    const b = await openBlockDir(bdir);
    assert.deepEqual(b.labelNames(), []);
    assert.deepEqual(await readSeriesSamples(b, []), []);
    assert.equal((await b.postings([newMatcher("=", "a", "b")])).length, 0);
    await b.close();
  });
});

test("dump: external labels only on request; replicas merge without them", async () => {
  await withDir(async (dir) => {
    const labels = [{ name: "__name__", value: "up" }, { name: "job", value: "x" }];
    const mk = async (replica: string, ts: number[]) => {
      const w = await BlockWriter.create(dir, { thanos: { labels: { replica }, downsample: { resolution: 0 }, source: "test" } });
      await w.addFloatSeries(labels, ts, ts.map((t) => t / 1000));
      return openBlockDir((await w.finish()).dir);
    };
    const blocks = [await mk("a", [1000, 2000, 3000]), await mk("b", [2000, 4000])];
    let plain = "";
    const r1 = await dumpBlocks(blocks, { write: (t) => void (plain += t) });
    assert.deepEqual(r1, { series: 1, samples: 4 });
    assert.equal(plain, ["1 1000", "2 2000", "3 3000", "4 4000"].map((x) => `{__name__="up", job="x"} ${x}\n`).join(""));
    let ext = "";
    await dumpBlocks(blocks, { write: (t) => void (ext += t), withExternalLabels: true });
    assert.equal(ext.split("\n").filter(Boolean).length, 5);
    assert.match(ext, /^\{__name__="up", job="x", replica="a"\} 1 1000$/m);
    assert.match(ext, /^\{__name__="up", job="x", replica="b"\} 4 4000$/m);
    await Promise.all(blocks.map((b) => b.close()));
  });
});

test("verifyBlock finds every injected problem and passes a good block", async () => {
  await withDir(async (dir) => {
    const series = generate({ seed: 4, families: 2, perFamily: 3, samples: 300, start: START });
    const { dir: bdir, meta } = await write(dir, series);
    const check = async () => {
      const b = await openBlockDir(bdir);
      try {
        return await verifyBlock(b);
      } finally {
        await b.close();
      }
    };
    assert.deepEqual(await check(), []);
    const b0 = await openBlockDir(bdir);
    const firstSeriesOff = (await b0.postings([]))[0] * 16;
    const e = await b0.series((await b0.postings([]))[4]);
    await b0.close();
    const orig = { index: await readFile(join(bdir, "index")), chunk: await readFile(join(bdir, "chunks", "000001")), meta: await readFile(join(bdir, "meta.json")) };

    const c = Buffer.from(orig.chunk);
    c[refOffset(e.chunks[0].ref) + 7] ^= 0x40;
    await writeFile(join(bdir, "chunks", "000001"), c);
    let p = await check();
    assert.equal(p.length, 1);
    assert.deepEqual([p[0].block, p[0].file], [meta.ulid, "chunks/000001"]);
    assert.match(p[0].message, /checksum mismatch/);
    await writeFile(join(bdir, "chunks", "000001"), orig.chunk);

    const ix = Buffer.from(orig.index);
    ix[firstSeriesOff + 3] ^= 0x08;
    await writeFile(join(bdir, "index"), ix);
    p = await check();
    assert.ok(p.some((x) => x.file === "index" && /series at offset .*checksum mismatch/.test(x.message)), JSON.stringify(p));
    await writeFile(join(bdir, "index"), orig.index);

    await writeFile(join(bdir, "meta.json"), JSON.stringify({ ...JSON.parse(orig.meta.toString()), stats: { numSeries: 5, numChunks: 1, numSamples: 2 } }));
    p = await check();
    assert.deepEqual(p.map((x) => x.file), ["meta.json", "meta.json", "meta.json"]);
    await writeFile(join(bdir, "meta.json"), JSON.stringify({ ...JSON.parse(orig.meta.toString()), maxTime: START + 60_000 }));
    p = await check();
    assert.ok(p.length > 0 && p.every((x) => /outside the block range/.test(x.message)));
    await writeFile(join(bdir, "meta.json"), orig.meta);
    assert.deepEqual(await check(), []);
  });
});

test("byte-wise (UTF-8) order for symbols and series, also with surrogate pairs", async () => {
  await withDir(async (dir) => {
    // UTF-16 order would put U+1F600 (surrogates D83D..) before U+FF5A; UTF-8 order is reverse.
    const vals = ["a", "z", "\uff5a", "\u{1f600}"];
    const w = await BlockWriter.create(dir);
    for (const v of vals) await w.addFloatSeries([{ name: "__name__", value: "m" }, { name: "v", value: v }], [1], [1]);
    await assert.rejects(w.addFloatSeries([{ name: "__name__", value: "m" }, { name: "v", value: "\uffee" }], [1], [1]), /out of order/);
    const b = await openBlockDir((await w.finish()).dir);
    assert.deepEqual(await b.labelValues("v"), vals);
    assert.deepEqual((await readSeriesSamples(b, [])).map((x) => x.labels[1].value), vals);
    assert.equal((await b.postings([newMatcher("=", "v", "\u{1f600}")])).length, 1);
    await b.close();
  });
});

test("ULIDs: format, monotonic within a millisecond, time round trip", () => {
  const t = 1_700_000_000_123;
  const ids = Array.from({ length: 1000 }, () => ulid(t));
  for (const id of ids) {
    assert.ok(isUlid(id), id);
    assert.equal(ulidTime(id), t);
  }
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], "monotonic");
  assert.equal(ulid(0).slice(0, 10), "0000000000");
  assert.ok(ulid() > ids[999]);
});
