// Real peer: Debian's promtool 2.42 reads blocks we write, and we read blocks it writes.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { compareLabels, compareStrings } from "../../src/labels/index.ts";
import { IndexWriter } from "../../src/tsdb/index/index.ts";
import { ChunkSegmentWriter } from "../../src/tsdb/chunks/index.ts";
import { BlockWriter, openBlockDir, readSeriesSamples, type BlockReader } from "../../src/tsdb/block/index.ts";
import { dumpBlocks } from "../../src/tsdb/dump/index.ts";
import { expectedDump, generate, hasPromtool, promtool, sameSamples, sortedLines, toOpenMetrics, type Series } from "./fixtures.ts";

const skip = !hasPromtool && "promtool not installed";
const START = 1_700_000_000_000 - (1_700_000_000_000 % 7_200_000); // 2h aligned

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "aeon-promtool-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeBlock(db: string, series: Series[], opts = {}) {
  const w = await BlockWriter.create(db, opts);
  for (const s of series) await w.addFloatSeries(s.labels, s.ts, s.vs);
  return w.finish();
}

async function ourDump(blocks: BlockReader[]): Promise<string[]> {
  let out = "";
  await dumpBlocks(blocks, { write: (t) => void (out += t) });
  return sortedLines(out);
}

test("promtool analyzes and dumps a block Aeon wrote: same samples", { skip }, async () => {
  await withDir(async (db) => {
    await mkdir(join(db, "wal"));
    const series = generate({ seed: 42, families: 7, perFamily: 6, samples: 400, start: START, stale: true });
    const { meta } = await writeBlock(db, series, { segmentSize: 64 * 1024 });
    assert.ok((await readdir(join(db, meta.ulid, "chunks"))).length > 1, "several chunk segments");
    const analyze = promtool("tsdb", "analyze", db);
    assert.match(analyze, new RegExp(`Block ID: ${meta.ulid}`));
    assert.match(analyze, new RegExp(`Series: ${series.length}\\n`));
    const dumped = sortedLines(promtool("tsdb", "dump", db));
    const want = expectedDump(series);
    assert.equal(dumped.length, want.length);
    assert.deepEqual(dumped, want);
    // And our own dump of the block is byte-identical to promtool's.
    const b = await openBlockDir(join(db, meta.ulid));
    assert.deepEqual(await ourDump([b]), dumped);
    await b.close();
  });
});

test("blocks written by promtool create-blocks-from openmetrics read back exactly", { skip }, async () => {
  await withDir(async (dir) => {
    // Spans several 2h windows so promtool writes several blocks.
    const series = generate({ seed: 7, families: 5, perFamily: 5, samples: 1500, start: START, step: 14_999 });
    await writeFile(join(dir, "in.om"), toOpenMetrics(series));
    const db = join(dir, "db");
    promtool("tsdb", "create-blocks-from", "openmetrics", join(dir, "in.om"), db);
    await mkdir(join(db, "wal"), { recursive: true });
    const ids = (await readdir(db)).filter((n) => n !== "wal").sort();
    assert.ok(ids.length >= 2, `expected several blocks, got ${ids.length}`);
    const blocks = await Promise.all(ids.map((id) => openBlockDir(join(db, id))));
    for (const b of blocks) assert.equal(b.meta.thanos, undefined, "promtool writes no thanos section");

    // Reassemble each series from all blocks and compare with the input.
    const got = new Map<string, { ts: number[]; vs: number[] }>();
    for (const b of blocks) {
      for (const s of await readSeriesSamples(b, [])) {
        const k = JSON.stringify(s.labels);
        if (!got.has(k)) got.set(k, { ts: [], vs: [] });
        got.get(k)!.ts.push(...s.ts);
        got.get(k)!.vs.push(...s.vs);
      }
    }
    assert.equal(got.size, series.length);
    for (const s of series) {
      const g = got.get(JSON.stringify(s.labels));
      assert.ok(g, `series ${JSON.stringify(s.labels)} missing`);
      assert.ok(sameSamples(s, { ts: Float64Array.from(g.ts), vs: Float64Array.from(g.vs) }, true), `samples of ${JSON.stringify(s.labels)}`);
    }
    // Label names/values from the index agree with the input.
    const jobs = await blocks[0].labelValues("job");
    assert.deepEqual(jobs, ["api", "node"]);
    assert.ok(blocks[0].labelNames().includes("zone"));

    // Our dump == promtool's dump == the input, line for line.
    const theirs = sortedLines(promtool("tsdb", "dump", db));
    assert.deepEqual(await ourDump(blocks), theirs);
    assert.deepEqual(theirs, expectedDump(series));
    await Promise.all(blocks.map((b) => b.close()));
  });
});

test("overlapping blocks: dump merges without duplicates, as promtool does", { skip }, async () => {
  await withDir(async (db) => {
    await mkdir(join(db, "wal"));
    const series = generate({ seed: 9, families: 3, perFamily: 4, samples: 300, start: START });
    // Block A: first 200 samples of every series; block B: samples 100..299 of every other series
    // plus a series only it has. Samples 100..199 are in both.
    const a = series.map((s) => ({ labels: s.labels, ts: s.ts.slice(0, 200), vs: s.vs.slice(0, 200) }));
    const only = { labels: [{ name: "__name__", value: "only_in_b" }], ts: Float64Array.of(START + 1), vs: Float64Array.of(1.25) };
    const b = [...series.filter((_, i) => i % 2 === 0).map((s) => ({ labels: s.labels, ts: s.ts.slice(100), vs: s.vs.slice(100) })), only].sort((x, y) =>
      compareLabels(x.labels, y.labels),
    );
    const ra = await writeBlock(db, a);
    const rb = await writeBlock(db, b);
    const theirs = sortedLines(promtool("tsdb", "dump", db));
    const want = expectedDump([...series.map((s, i) => (i % 2 === 0 ? s : { labels: s.labels, ts: s.ts.slice(0, 200), vs: s.vs.slice(0, 200) })), only]);
    assert.deepEqual(theirs, want);
    const blocks = [await openBlockDir(ra.dir), await openBlockDir(rb.dir)];
    assert.deepEqual(await ourDump(blocks), theirs);
    await Promise.all(blocks.map((x) => x.close()));
    // promtool reads our meta.json stats.
    const meta = JSON.parse(await readFile(join(ra.dir, "meta.json"), "utf8"));
    assert.equal(meta.stats.numSamples, a.length * 200);
  });
});

test("our index and chunk writers reproduce promtool's files byte for byte", { skip }, async () => {
  await withDir(async (dir) => {
    const series = generate({ seed: 11, families: 6, perFamily: 7, samples: 600, start: START });
    await writeFile(join(dir, "in.om"), toOpenMetrics(series));
    const db = join(dir, "db");
    promtool("tsdb", "create-blocks-from", "openmetrics", join(dir, "in.om"), db);
    for (const id of (await readdir(db)).sort()) {
      const b = await openBlockDir(join(db, id));
      const entries = await b.seriesMany(await b.postings([]));
      const syms = new Set<string>();
      for (const e of entries) for (const l of e.labels) syms.add(l.name).add(l.value);
      const w = await IndexWriter.create(join(dir, `index-${id}`));
      await w.addSymbols([...syms].sort(compareStrings));
      for (const e of entries) await w.addSeries(e.labels, e.chunks);
      await w.close();
      // Chunk segment: rewrite the same chunk payloads in ref order.
      const refs = entries.flatMap((e) => e.chunks.map((c) => c.ref));
      const payloads = await b.chunks(refs);
      const cw = new ChunkSegmentWriter(join(dir, `chunks-${id}`));
      for (const [i, c] of payloads.entries()) assert.equal(await cw.write(c.encoding, c.data), refs[i]);
      await cw.close();
      const segs = (await readdir(join(db, id, "chunks"))).sort();
      assert.deepEqual((await readdir(join(dir, `chunks-${id}`))).sort(), segs);
      for (const seg of segs) {
        const a = await readFile(join(db, id, "chunks", seg));
        const c = await readFile(join(dir, `chunks-${id}`, seg));
        assert.ok(a.equals(c), `block ${id}: chunks/${seg} bytes differ`);
      }
      await b.close();
      const theirs = await readFile(join(db, id, "index"));
      const ours = await readFile(join(dir, `index-${id}`));
      assert.equal(ours.length, theirs.length, `block ${id}: index size`);
      assert.ok(ours.equals(theirs), `block ${id}: index bytes differ`);
    }
  });
});
