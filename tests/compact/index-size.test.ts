// The index-size guard (--compact.block-max-index-size): the estimate and the choice of block on
// plain numbers; then whole compactor passes on small blocks with a limit of a few KB: the
// biggest input of a planned 2h->8h compaction gets Thanos's no-compact-mark.json (reason
// index-size-exceeding), the rest is compacted, the metric counts it, a second pass leaves the
// marked block alone; with the default limit nothing changes.
import { after, test } from "node:test";
import { rm } from "node:fs/promises";
import assert from "node:assert/strict";
import { NO_COMPACT_MARK, readDeletionMark, readNoCompactMark } from "../../src/blockstore/index.ts";
import { DEFAULT_MAX_BLOCK_INDEX_SIZE, INDEX_SIZE_EXCEEDING_REASON, indexSizeOf, oversizedInput, type Compactor } from "../../src/compact/index.ts";
import { compactCommand } from "../../src/cmd/compact.ts";
import { bytesFlag } from "../../src/cmd/common.ts";
import { FlagError, parseFlags } from "../../src/cmd/flags.ts";
import { MemoryBucket } from "../../src/objstore/index.ts";
import type { BlockMeta } from "../../src/tsdb/index.ts";
import { expectedSamples, genSeries, newCompactor, uploadRange, visible, visibleSamples, type GenSeriesArrays } from "./blocks.ts";
import { D, H, tempDir } from "./fixtures.ts";

const dirs: string[] = [];
async function scratch(): Promise<string> {
  const d = await tempDir("aeon-compact-idx-");
  dirs.push(d);
  return d;
}
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const T0 = Math.floor((Date.now() - 20 * D) / (2 * D)) * 2 * D;
const markedMetric = /^thanos_compact_blocks_marked_total\{marker="no-compact-mark.json",reason="index-size-exceeding"\} (\d+)$/m;
const markedCount = (c: Compactor) => Number(markedMetric.exec(c.metrics.registry.metricsText())?.[1] ?? "NaN");

test("oversizedInput: running sum against 85% of the limit, biggest input seen so far", () => {
  assert.equal(oversizedInput([100, 200, 300], 1000), undefined, "600 < 850");
  assert.deepEqual(oversizedInput([100, 500, 300], 1000), { at: 1, estimatedBytes: 900 });
  // Threshold reached exactly counts (>=).
  assert.deepEqual(oversizedInput([400, 450], 1000), { at: 1, estimatedBytes: 850 });
  // Crossing at the first input: that input is marked even if a later one is bigger (Thanos
  // only knows the inputs summed so far; that block alone is already too big).
  assert.deepEqual(oversizedInput([900, 5000], 1000), { at: 0, estimatedBytes: 900 });
  // Ties keep the first.
  assert.deepEqual(oversizedInput([300, 300, 300], 1000), { at: 0, estimatedBytes: 900 });
  assert.equal(oversizedInput([], 1000), undefined);
});

test("--compact.block-max-index-size: default 64GB, units base 1024 like kingpin's BytesVar", () => {
  const parse = (...argv: string[]) => bytesFlag(parseFlags(argv, compactCommand.flags), "compact.block-max-index-size");
  assert.equal(parse(), DEFAULT_MAX_BLOCK_INDEX_SIZE);
  assert.equal(DEFAULT_MAX_BLOCK_INDEX_SIZE, 64 * 1024 ** 3);
  assert.equal(parse("--compact.block-max-index-size=4KB"), 4096);
  assert.equal(parse("--compact.block-max-index-size=4KiB"), 4096);
  assert.equal(parse("--compact.block-max-index-size=1.5MB"), 1.5 * 1024 * 1024);
  assert.equal(parse("--compact.block-max-index-size", "123456"), 123456);
  for (const bad of ["4G", "lots", "-1GB", "1.5"]) assert.throws(() => parse(`--compact.block-max-index-size=${bad}`), FlagError, bad);
});

test("indexSizeOf: meta.json's thanos.files, else the index object's size", async () => {
  const bucket = new MemoryBucket();
  const dir = await scratch();
  const [id] = await uploadRange(bucket, dir, genSeries(3, T0, T0 + 2 * H, 60_000), T0, T0 + 2 * H, { cluster: "eu" });
  const meta = (await visible(bucket))[0];
  const objectSize = (await bucket.attributes(`${id}/index`)).size;
  assert.ok(objectSize > 0);
  assert.equal(await indexSizeOf(bucket, meta), objectSize);
  const listed = meta.thanos!.files!.find((f) => f.rel_path === "index")!;
  assert.equal(listed.size_bytes, objectSize);
  // A listed size wins (no bucket call needed); without `files` the bucket is asked.
  assert.equal(await indexSizeOf(bucket, { ...meta, thanos: { ...meta.thanos!, files: [{ rel_path: "index", size_bytes: 7 }] } }), 7);
  assert.equal(await indexSizeOf(bucket, { ...meta, thanos: { ...meta.thanos!, files: undefined } }), objectSize);
});

// 2h blocks from T0 (block i in 2h slot slots[i], default i); block i holds seriesPerBlock[i]
// series (more series = bigger index).
async function uploadBlocks(bucket: MemoryBucket, dir: string, seriesPerBlock: number[], slots = seriesPerBlock.map((_, i) => i)): Promise<{ ids: string[]; series: GenSeriesArrays[][] }> {
  const ids: string[] = [];
  const series: GenSeriesArrays[][] = [];
  for (const [i, n] of seriesPerBlock.entries()) {
    const mint = T0 + slots[i] * 2 * H;
    const s = genSeries(n, mint, mint + 2 * H, 60_000, i + 1);
    ids.push(...(await uploadRange(bucket, dir, s, mint, mint + 2 * H, { cluster: "eu" })));
    series.push(s);
  }
  return { ids, series };
}

async function indexSizes(bucket: MemoryBucket, ids: string[]): Promise<number[]> {
  const metas = new Map((await visible(bucket)).map((m) => [m.ulid, m] as [string, BlockMeta]));
  return Promise.all(ids.map((id) => indexSizeOf(bucket, metas.get(id)!)));
}

test("a planned 2h->8h compaction over the limit: the biggest input is marked, the rest compacts; a second pass leaves it alone", async () => {
  const bucket = new MemoryBucket();
  const dir = await scratch();
  // Blocks 0-3 fill the 8h window [T0, T0+8h); block 4 is the newest (never planned).
  // Block 1 has far more series, so the biggest index.
  const { ids, series } = await uploadBlocks(bucket, dir, [3, 60, 3, 3, 3]);
  const sizes = await indexSizes(bucket, ids);
  const rest = sizes[0] + sizes[2] + sizes[3];
  const all = rest + sizes[1];
  assert.ok(sizes[1] > 3 * Math.max(sizes[0], sizes[2], sizes[3]), `block 1's index is the biggest: ${sizes.join(",")}`);
  // A limit whose 85% lies between the three small inputs and all four: a few KB.
  const limit = Math.round((rest + all) / 2 / 0.85);
  assert.ok(limit < 64 * 1024, `limit ${limit}`);

  const lines: string[] = [];
  const c = newCompactor(bucket, dir, { maxBlockIndexSize: limit }, lines);
  assert.equal(markedCount(c), 0, "the series is exported from the start");
  const r = await c.runOnce();
  assert.equal(r.compactions, 1);
  assert.equal(markedCount(c), 1);

  // Thanos's marker: field order id, version, details, no_compact_time (unix seconds), reason.
  const raw = JSON.parse(new TextDecoder().decode(await bucket.get(`${ids[1]}/${NO_COMPACT_MARK}`))) as Record<string, unknown>;
  assert.deepEqual(Object.keys(raw), ["id", "version", "details", "no_compact_time", "reason"]);
  assert.equal(raw.id, ids[1]);
  assert.equal(raw.version, 1);
  assert.equal(raw.reason, INDEX_SIZE_EXCEEDING_REASON);
  assert.ok(Number.isInteger(raw.no_compact_time) && Math.abs((raw.no_compact_time as number) - Date.now() / 1000) < 600, `no_compact_time ${String(raw.no_compact_time)}`);
  assert.match(String(raw.details), new RegExp(`${limit} bytes`));
  for (const i of [0, 2, 3, 4]) assert.equal(await readNoCompactMark(bucket, ids[i]), undefined, `block ${i} not marked`);

  const log = lines.join("\n");
  assert.match(log, new RegExp(`level=warn .*block-max-index-size.* block=${ids[1]}`));
  assert.match(log, new RegExp(`max_index_bytes=${limit}`));

  // The marked block splits the window without bridging it: 2+3 compact, 0 and 1 stay.
  let after = await visible(bucket);
  const compacted = after.filter((m) => m.compaction.level === 2);
  assert.equal(compacted.length, 1);
  assert.deepEqual([...compacted[0].compaction.sources].sort(), [ids[2], ids[3]].sort());
  assert.deepEqual(
    after.filter((m) => m.compaction.level === 1).map((m) => m.ulid).sort(),
    [ids[0], ids[1], ids[4]].sort(),
  );
  assert.equal(await readDeletionMark(bucket, ids[1]), undefined);
  assert.deepEqual(await visibleSamples(bucket), expectedSamples(series.flat()));

  // Second pass: nothing to plan; the marked block is neither re-marked nor compacted.
  const markBytes = await bucket.get(`${ids[1]}/${NO_COMPACT_MARK}`);
  const r2 = await c.runOnce();
  assert.equal(r2.compactions, 0);
  assert.equal(markedCount(c), 1);
  assert.deepEqual(await bucket.get(`${ids[1]}/${NO_COMPACT_MARK}`), markBytes, "marker untouched");
  after = await visible(bucket);
  assert.ok(after.some((m) => m.ulid === ids[1] && m.compaction.level === 1));
  assert.equal(await readDeletionMark(bucket, ids[1]), undefined);
  // A fresh compactor (no in-memory state) sees the mark in the bucket the same way.
  const c3 = newCompactor(bucket, dir, { maxBlockIndexSize: limit });
  assert.equal((await c3.runOnce()).compactions, 0);
  assert.equal(markedCount(c3), 0);
});

test("fewer than two inputs left after marking: nothing is compacted", async () => {
  const bucket = new MemoryBucket();
  const dir = await scratch();
  // Blocks 0 ([T0, T0+2h)) and 1 ([T0+6h, T0+8h)) span the whole 8h window: they are the plan.
  // Block 2 starts the next window alone; block 3 is the newest.
  const { ids } = await uploadBlocks(bucket, dir, [3, 60, 3, 3], [0, 3, 4, 5]);
  const sizes = await indexSizes(bucket, ids);
  const limit = Math.round((sizes[0] + (sizes[0] + sizes[1])) / 2 / 0.85);
  const c = newCompactor(bucket, dir, { maxBlockIndexSize: limit });
  const r = await c.runOnce();
  assert.equal(r.compactions, 0);
  assert.equal(markedCount(c), 1);
  assert.equal((await readNoCompactMark(bucket, ids[1]))?.reason, INDEX_SIZE_EXCEEDING_REASON);
  assert.equal(await readNoCompactMark(bucket, ids[0]), undefined);
  const after = await visible(bucket);
  assert.deepEqual(after.map((m) => m.ulid).sort(), [...ids].sort(), "all blocks untouched");
  // Without the guard the same two blocks are compacted (so the plan really was [0, 1]).
  await bucket.delete(`${ids[1]}/${NO_COMPACT_MARK}`);
  const r2 = await newCompactor(bucket, dir).runOnce();
  assert.equal(r2.compactions, 1);
  const merged = (await visible(bucket)).find((m) => m.compaction.level === 2);
  assert.deepEqual([...(merged?.compaction.sources ?? [])].sort(), [ids[0], ids[1]].sort());
});

test("with the default limit the same blocks compact as before and nothing is marked", async () => {
  const bucket = new MemoryBucket();
  const dir = await scratch();
  const { ids, series } = await uploadBlocks(bucket, dir, [3, 60, 3, 3, 3]);
  const c = newCompactor(bucket, dir);
  const r = await c.runOnce();
  assert.equal(r.compactions, 1);
  assert.equal(markedCount(c), 0);
  for (const id of ids) assert.equal(await readNoCompactMark(bucket, id), undefined);
  const after = await visible(bucket);
  const compacted = after.filter((m) => m.compaction.level === 2);
  assert.equal(compacted.length, 1);
  assert.deepEqual([...compacted[0].compaction.sources].sort(), ids.slice(0, 4).sort());
  assert.deepEqual(await visibleSamples(bucket), expectedSamples(series.flat()));
});
