// The planner against Thanos's rules, on metas only (no data): levels 8h, 2d and 14d, the
// newest block left out, incomplete windows waiting, no-compact marks cutting windows, overlaps
// reported first, misaligned blocks skipped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { plan, rangesForLevel, splitByRange, DEFAULT_RANGES, overlappingSets } from "../../src/compact/index.ts";
import type { BlockMeta } from "../../src/tsdb/index.ts";

const H = 3_600_000;
const D = 24 * H;
let n = 0;
function meta(minTime: number, maxTime: number, level = 1): BlockMeta {
  const ulid = `01H${String(n++).padStart(23, "0")}`;
  return { ulid, minTime, maxTime, stats: {}, compaction: { level, sources: [ulid] }, version: 1 };
}
const ids = (ms: BlockMeta[]) => ms.map((m) => m.ulid);
const span = (from: number, count: number, len: number, level = 1) => Array.from({ length: count }, (_, i) => meta(from + i * len, from + (i + 1) * len, level));

test("ranges: 2h, 8h, 2d, 14d; --debug.max-compaction-level cuts them", () => {
  assert.deepEqual(DEFAULT_RANGES, [2 * H, 8 * H, 2 * D, 14 * D]);
  assert.deepEqual(rangesForLevel(2), [2 * H, 8 * H]);
  assert.deepEqual(rangesForLevel(9), DEFAULT_RANGES);
});

test("four complete 2h blocks of an 8h window are compacted; the newest block never is", () => {
  const blocks = span(0, 5, 2 * H); // 0..10h: one complete 8h window + the newest
  const p = plan(blocks, DEFAULT_RANGES, new Set());
  assert.equal(p.kind, "compact");
  assert.deepEqual(ids(p.kind === "compact" ? p.metas : []), ids(blocks.slice(0, 4)));
  // Only the window holding the newest block: nothing to do (it waits for more blocks).
  assert.equal(plan(span(8 * H, 3, 2 * H), DEFAULT_RANGES, new Set()).kind, "none");
});

test("an incomplete window is compacted once it lies before the newest remaining block", () => {
  // 0-2h, 2-4h (window 0-8h incomplete), then 8-10h, 10-12h.
  const blocks = [meta(0, 2 * H), meta(2 * H, 4 * H), meta(8 * H, 10 * H), meta(10 * H, 12 * H)];
  const p = plan(blocks, DEFAULT_RANGES, new Set());
  assert.equal(p.kind, "compact");
  assert.deepEqual(ids(p.kind === "compact" ? p.metas : []), ids(blocks.slice(0, 2)));
});

test("2d level from 8h blocks and 14d level from 2d blocks", () => {
  const eight = [...span(0, 6, 8 * H, 2), meta(2 * D, 2 * D + 8 * H, 2)];
  const p = plan(eight, DEFAULT_RANGES, new Set());
  assert.deepEqual(ids(p.kind === "compact" ? p.metas : []), ids(eight.slice(0, 6)));
  const twoDays = [...span(0, 7, 2 * D, 3), meta(14 * D, 16 * D, 3)];
  const q = plan(twoDays, DEFAULT_RANGES, new Set());
  assert.equal(q.kind, "compact");
  assert.deepEqual(ids(q.kind === "compact" ? q.metas : []), ids(twoDays.slice(0, 7)));
  // With the level capped at 3 (up to 2d blocks) the 14d window is left alone.
  assert.equal(plan(twoDays, rangesForLevel(3), new Set()).kind, "none");
});

test("no-compact marks cut a window into runs, never bridged over", () => {
  const blocks = span(0, 5, 2 * H);
  const marked = new Set([blocks[1].ulid]);
  const p = plan(blocks, DEFAULT_RANGES, marked);
  assert.deepEqual(ids(p.kind === "compact" ? p.metas : []), ids(blocks.slice(2, 4)));
  assert.equal(plan(blocks, DEFAULT_RANGES, new Set([blocks[1].ulid, blocks[3].ulid])).kind, "none");
});

test("overlapping blocks are reported before anything else", () => {
  const blocks = [...span(0, 5, 2 * H)];
  blocks.splice(2, 0, meta(3 * H, 5 * H));
  const p = plan(blocks, DEFAULT_RANGES, new Set());
  assert.equal(p.kind, "overlap");
  assert.equal(p.kind === "overlap" && p.metas.length, 3);
  assert.deepEqual(overlappingSets(span(0, 3, 2 * H)), []);
});

test("blocks that do not fit an aligned window are skipped", () => {
  const blocks = [meta(7 * H, 9 * H), ...span(8 * H, 4, 2 * H)];
  const parts = splitByRange(blocks.slice(1), 8 * H);
  assert.equal(parts.length, 1);
  assert.equal(splitByRange([blocks[0]], 8 * H).length, 0);
});
