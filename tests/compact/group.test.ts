// Streams (groups) and the garbage-collection rule: replica labels dropped from the key, the
// resolution part of it, and blocks whose sources are covered by another block.
import { test } from "node:test";
import assert from "node:assert/strict";
import { groupBlocks, groupKey, redundantBlocks } from "../../src/compact/index.ts";
import type { BlockMeta } from "../../src/tsdb/index.ts";

function meta(ulid: string, sources: string[], labels: Record<string, string>, resolution = 0): BlockMeta {
  return { ulid, minTime: 0, maxTime: 1, stats: {}, compaction: { level: 1, sources }, version: 1, thanos: { labels, downsample: { resolution }, source: "test" } };
}

test("groups by external labels and resolution; replica labels are dropped from the key", () => {
  const ms = [
    meta("A", ["A"], { cluster: "eu", replica: "a" }),
    meta("B", ["B"], { cluster: "eu", replica: "b" }),
    meta("C", ["C"], { cluster: "eu", replica: "a" }, 300_000),
    meta("D", ["D"], { cluster: "us", replica: "a" }),
  ];
  assert.equal(groupBlocks(ms, []).length, 4);
  const g = groupBlocks(ms, ["replica"]);
  assert.equal(g.length, 3);
  const eu = g.find((x) => x.resolution === 0 && x.labels.cluster === "eu")!;
  assert.deepEqual(eu.metas.map((m) => m.ulid).sort(), ["A", "B"]);
  assert.deepEqual(eu.labels, { cluster: "eu" });
  assert.match(eu.key, /^0@\d+$/);
  assert.notEqual(groupKey(0, { cluster: "eu" }), groupKey(300_000, { cluster: "eu" }));
  // Key independent of label order.
  assert.equal(groupKey(0, { a: "1", b: "2" }), groupKey(0, Object.fromEntries([["a", "1"], ["b", "2"]])));
});

test("blocks whose sources another block holds are redundant; identical copies keep the oldest", () => {
  const l = { cluster: "eu" };
  const [g] = groupBlocks([meta("S1", ["S1"], l), meta("S2", ["S2"], l), meta("S3", ["S3"], l), meta("N", ["S1", "S2"], l), meta("N2", ["S1", "S2"], l)], []);
  assert.deepEqual(redundantBlocks(g).sort(), ["N2", "S1", "S2"]);
});
