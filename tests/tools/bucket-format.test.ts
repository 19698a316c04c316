// Unit tests of the bucket tools' text formats and flag parsing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { goDuration, rfc3339, thanosDate, thousands } from "../../src/tools/bucket/format.ts";
import { parseLabelFlags, UploadInputError } from "../../src/tools/bucket/upload.ts";
import { formatInspect, InspectError, parseSelectors } from "../../src/tools/bucket/inspect.ts";
import { findOverlaps } from "../../src/tools/bucket/verify/overlaps.ts";
import type { BlockMeta } from "../../src/tsdb/block/index.ts";

test("goDuration prints Go's time.Duration.String()", () => {
  assert.equal(goDuration(0), "0s");
  assert.equal(goDuration(500), "500ms");
  assert.equal(goDuration(1500), "1.5s");
  assert.equal(goDuration(7_200_000), "2h0m0s");
  assert.equal(goDuration(300_000), "5m0s");
  assert.equal(goDuration(3_661_001), "1h1m1.001s");
  assert.equal(goDuration(-7_200_000), "-2h0m0s");
  assert.equal(goDuration(40 * 3_600_000 - 7_200_000), "38h0m0s");
});

test("times: RFC 3339 and Thanos's dd-mm-yyyy layout, in UTC", () => {
  assert.equal(rfc3339(1_700_000_000_000), "2023-11-14T22:13:20Z");
  assert.equal(rfc3339(1_700_000_000_001), "2023-11-14T22:13:20.001Z");
  assert.equal(thanosDate(1_700_000_000_999), "14-11-2023 22:13:20");
  assert.equal(thousands(1234567), "1,234,567");
  assert.equal(thousands(12), "12");
});

test("--label and --selector accept k=\"v\" and k=v; bad ones are refused", () => {
  assert.deepEqual(parseLabelFlags(['replica="a b"', "cluster=eu", 'q="x\\"y"']), { replica: "a b", cluster: "eu", q: 'x"y' });
  assert.throws(() => parseLabelFlags(["=x"]), UploadInputError);
  assert.throws(() => parseLabelFlags(['a="unterminated']), UploadInputError);
  assert.throws(() => parseLabelFlags(["a=1", "a=2"]), UploadInputError);
  assert.deepEqual(parseSelectors(['replica="a"', "cluster=eu"]), { replica: "a", cluster: "eu" });
  assert.throws(() => parseSelectors(["nope"]), InspectError);
});

const meta = (ulid: string, minTime: number, maxTime: number, labels: Record<string, string>, res = 0): BlockMeta => ({
  ulid,
  minTime,
  maxTime,
  stats: { numSeries: 1, numSamples: 10, numChunks: 1 },
  compaction: { level: 1, sources: [ulid] },
  version: 1,
  thanos: { labels, downsample: { resolution: res }, source: "test" },
});

test("overlaps are found only within one stream (labels + resolution); touching blocks do not overlap", () => {
  const A = "01HAAAAAAAAAAAAAAAAAAAAAAA";
  const B = "01HBBBBBBBBBBBBBBBBBBBBBBB";
  const C = "01HCCCCCCCCCCCCCCCCCCCCCCC";
  const D = "01HDDDDDDDDDDDDDDDDDDDDDDD";
  const E = "01HEEEEEEEEEEEEEEEEEEEEEEE";
  const metas = [
    meta(A, 0, 100, { r: "1" }),
    meta(B, 100, 200, { r: "1" }), // touches A
    meta(C, 50, 150, { r: "2" }), // other stream
    meta(D, 150, 250, { r: "1" }), // overlaps B
    meta(E, 0, 1000, { r: "1" }, 300_000), // other resolution
  ];
  const found = findOverlaps(metas).map((o) => [o.a.ulid, o.b.ulid]);
  assert.deepEqual(found, [[B, D]]);
});

test("inspect: Thanos columns, selector on external labels, sort by column", () => {
  const A = "01HAAAAAAAAAAAAAAAAAAAAAAA";
  const B = "01HBBBBBBBBBBBBBBBBBBBBBBB";
  const metas = [meta(B, 7_200_000, 14_400_000, { r: "1" }), meta(A, 0, 7_200_000, { r: "2" })];
  const all = formatInspect(metas).split("\n");
  assert.match(all[0], /^ULID\s+FROM\s+UNTIL\s+RANGE\s+UNTIL-DOWN\s+#SERIES\s+#SAMPLES\s+#CHUNKS\s+COMP-LEVEL\s+COMP-FAILED\s+LABELS\s+RESOLUTION\s+SOURCE$/);
  assert.ok(all[1].startsWith(A) && all[2].startsWith(B), "sorted by FROM");
  assert.match(all[1], /01-01-1970 00:00:00\s+01-01-1970 02:00:00\s+2h0m0s\s+38h0m0s\s+1\s+10\s+1\s+1\s+false\s+r=2\s+0s\s+test/);
  const sel = formatInspect(metas, { selector: { r: "1" } }).split("\n").filter(Boolean);
  assert.equal(sel.length, 2);
  assert.ok(sel[1].startsWith(B));
  const csv = formatInspect(metas, { sortBy: ["ULID"], output: "csv" }).split("\n");
  assert.ok(csv[1].startsWith(A + ","));
  assert.throws(() => formatInspect(metas, { sortBy: ["NOPE"] }), InspectError);
});
