import { test } from "node:test";
import assert from "node:assert/strict";
import { Head, APPEND_OK, APPEND_DUPLICATE_IGNORED, APPEND_DUPLICATE_TS, APPEND_OUT_OF_ORDER, APPEND_TOO_OLD } from "../../src/tsdb/head/index.ts";
import { fromRecord, newMatcher } from "../../src/labels/index.ts";
import { xorSampleCount } from "../../src/kernels/xor-ref.ts";

const H2 = 2 * 3600 * 1000;

test("head append rules: in-order, identical duplicate, different duplicate, out of order, too old", () => {
  const h = new Head();
  const { series: s } = h.getOrCreate(fromRecord({ __name__: "m", a: "1" }));
  let mv = h.appendMinValidTime();
  assert.equal(h.append(s, 1000, 1, mv), APPEND_OK);
  assert.equal(h.append(s, 2000, 2, mv), APPEND_OK);
  assert.equal(h.append(s, 2000, 2, mv), APPEND_DUPLICATE_IGNORED);
  assert.equal(h.append(s, 2000, 3, mv), APPEND_DUPLICATE_TS);
  assert.equal(h.append(s, 1500, 3, mv), APPEND_OUT_OF_ORDER);
  // NaN payloads are compared bit-wise: the same NaN is a duplicate, a different one is not.
  assert.equal(h.append(s, 3000, NaN, mv), APPEND_OK);
  assert.equal(h.append(s, 3000, NaN, mv), APPEND_DUPLICATE_IGNORED);
  // A sample more than half a chunk range behind the head's newest sample is too old.
  const { series: s2 } = h.getOrCreate(fromRecord({ __name__: "m", a: "2" }));
  assert.equal(h.append(s2, 10 * H2, 1, mv), APPEND_OK);
  mv = h.appendMinValidTime();
  assert.equal(mv, 10 * H2 - H2 / 2);
  assert.equal(h.append(s2 === s ? s : s, 5000, 1, mv), APPEND_TOO_OLD);
  assert.equal(h.numSamples, 4);
  const got = h.selectSamples([newMatcher("=", "a", "1")], -Infinity, Infinity);
  assert.equal(got.length, 1);
  assert.deepEqual([...got[0].ts], [1000, 2000, 3000]);
  assert.deepEqual([...got[0].vs].slice(0, 2), [1, 2]);
  assert.ok(Number.isNaN(got[0].vs[2]));
});

test("head cuts chunks at 120 samples and at chunk range boundaries", () => {
  const h = new Head();
  const { series: s } = h.getOrCreate(fromRecord({ __name__: "m" }));
  // 15s scrape interval from 1h before a 2h boundary to 1h after: 480 samples.
  const start = 10 * H2 - 3600_000;
  for (let i = 0; i < 480; i++) assert.equal(h.append(s, start + i * 15000, i, -Infinity), APPEND_OK);
  const chunks = h.select([newMatcher("=", "__name__", "m")], -Infinity, Infinity)[0].chunks;
  assert.deepEqual(chunks.map((c) => xorSampleCount(c.data)), [120, 120, 120, 120]);
  for (const c of chunks) {
    assert.equal(Math.floor(c.mint / H2), Math.floor(c.maxt / H2), "a chunk never straddles a range boundary");
  }
  // Odd start: the boundary forces an early cut.
  const h2 = new Head();
  const { series: s2 } = h2.getOrCreate(fromRecord({ __name__: "m" }));
  for (let i = 0; i < 100; i++) h2.append(s2, H2 - 50 * 1000 + i * 1000, i, -Infinity);
  assert.deepEqual(h2.select([], -Infinity, Infinity)[0].chunks.map((c) => xorSampleCount(c.data)), [50, 50]);
});

test("head select: matchers, time range, sorting, label index", () => {
  const h = new Head();
  const mk = (rec: Record<string, string>) => h.getOrCreate(fromRecord(rec)).series;
  const a = mk({ __name__: "up", job: "b", instance: "x" });
  const b = mk({ __name__: "up", job: "a" });
  const c = mk({ __name__: "other", job: "a" });
  for (const [s, off] of [[a, 0], [b, 1], [c, 2]] as const) for (let t = 0; t < 10; t++) h.append(s, t * 1000, t + off, -Infinity);
  const r = h.selectSamples([newMatcher("=", "__name__", "up")], 2000, 4000);
  assert.deepEqual(r.map((x) => x.labels.map((l) => l.value).join(",")), ["up,x,b", "up,a"]); // "instance" < "job"
  assert.deepEqual([...r[1].ts], [2000, 3000, 4000]);
  assert.deepEqual([...r[1].vs], [3, 4, 5]);
  assert.equal(h.selectSamples([newMatcher("=~", "job", "a|c"), newMatcher("!=", "__name__", "up")], 0, 1e9).length, 1);
  assert.equal(h.selectSamples([newMatcher("=", "instance", "")], 0, 1e9).length, 2);
  assert.equal(h.selectSamples([newMatcher("=", "job", "zzz")], 0, 1e9).length, 0);
  assert.deepEqual(h.labelNames(), ["__name__", "instance", "job"]);
  assert.deepEqual(h.labelValues("job"), ["a", "b"]);
  h.deleteRange(b.ref, 3000, 5000);
  assert.deepEqual([...h.selectSamples([newMatcher("=", "job", "a"), newMatcher("=", "__name__", "up")], 0, 1e9)[0].ts], [0, 1000, 2000, 6000, 7000, 8000, 9000]);
});

test("head truncate drops old chunks and empty series and raises min valid time", () => {
  const h = new Head();
  const old = h.getOrCreate(fromRecord({ __name__: "old" })).series;
  const live = h.getOrCreate(fromRecord({ __name__: "live" })).series;
  for (let t = 0; t < H2; t += 60_000) h.append(old, t, 1, -Infinity);
  for (let t = 0; t < 2 * H2; t += 60_000) h.append(live, t, 2, -Infinity);
  const inBlock = [...h.seriesForBlock(0, H2)];
  assert.equal(inBlock.length, 2);
  const removed = h.truncate(H2);
  assert.deepEqual(removed, [old.ref]);
  assert.equal(h.numSeries, 1);
  assert.equal(h.minTime, H2);
  assert.equal(h.append(live, H2 - 1, 1, h.appendMinValidTime()), APPEND_TOO_OLD);
  assert.equal(h.selectSamples([], 0, Infinity)[0].ts[0], H2);
  // A new series with the old labels gets a fresh ref.
  const again = h.getOrCreate(fromRecord({ __name__: "old" }));
  assert.ok(again.created && again.series.ref !== old.ref);
});
