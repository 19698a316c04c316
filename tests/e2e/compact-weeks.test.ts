// Three weeks of data through one `aeon compact` pass: a 14d raw block, its 5m copy and the 1h
// copy of that. Input blocks come from promtool with --max-block-duration=6h (its 2h default
// makes 252 blocks and takes minutes here; the 2h -> 8h level is covered by compact.test.ts and
// the planner unit tests). Checks: promtool dumps exactly the input from the raw output, and
// the 1h aggregates equal a per-hour computation from the generated samples.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Matcher } from "../../src/labels/index.ts";
import { openBlockDir, readSeriesSamples, RES_1H, RES_5M, RES_RAW } from "../../src/tsdb/index.ts";
import { D, downloadAll, hasPromtool, promtoolBucket, promtoolDump, runAeon, seriesKey, visibleBlocks, windowAggregates, type Fixture } from "../compact/fixtures.ts";

const skip = !hasPromtool && "promtool not installed";
let fx: Fixture;
let pass: { code: number; output: string };

before(async () => {
  if (skip) return;
  const start = Math.floor((Date.now() - 40 * D) / (14 * D)) * 14 * D; // 14d-aligned
  fx = await promtoolBucket({ startMs: start, endMs: start + 21 * D, stepMs: 300_000, instances: 1, maxBlockDuration: "6h" });
  pass = runAeon(["compact", `--objstore.config-file=${fx.configFile}`, `--data-dir=${join(fx.dir, "work")}`, "--consistency-delay=0s", "--delete-delay=0s"]);
});

after(async () => {
  await fx?.cleanup();
});

test("three weeks become a 14d raw block plus 5m and 1h blocks, raw samples unchanged", { skip }, async () => {
  assert.equal(pass.code, 0, pass.output);
  const raw = await visibleBlocks(fx.bucket, RES_RAW);
  const fiveMin = await visibleBlocks(fx.bucket, RES_5M);
  const hour = await visibleBlocks(fx.bucket, RES_1H);
  const fourteen = raw.find((m) => m.maxTime - m.minTime > 13 * D);
  assert.ok(fourteen, `no 14d block: ${raw.map((m) => ((m.maxTime - m.minTime) / D).toFixed(2)).join(",")}`);
  assert.equal(fourteen.compaction.level, 3); // 6h inputs are level 1, 2d blocks level 2
  assert.ok(fiveMin.some((m) => m.minTime === fourteen.minTime && m.maxTime === fourteen.maxTime), "5m copy of the 14d block");
  assert.equal(hour.length, 1);
  assert.deepEqual([hour[0].minTime, hour[0].maxTime], [fourteen.minTime, fourteen.maxTime]);

  const out = await downloadAll(fx.bucket, raw, join(fx.dir, "out"));
  assert.deepEqual(promtoolDump(out), promtoolDump(fx.db));

  const hdir = await downloadAll(fx.bucket, hour, join(fx.dir, "1h"));
  const block = await openBlockDir(join(hdir, hour[0].ulid));
  const all = [new Matcher("=~", "__name__", ".+")];
  const get = async (aggregate: "count" | "sum" | "min" | "max") => new Map((await readSeriesSamples(block, all, -Infinity, Infinity, { aggregate })).map((s) => [seriesKey(s.labels), s]));
  const [count, sum, min, max] = [await get("count"), await get("sum"), await get("min"), await get("max")];
  await block.close();
  let windows = 0;
  for (const s of fx.series) {
    const key = seriesKey(s.labels);
    const expected = windowAggregates(s.samples, RES_1H, hour[0].minTime, hour[0].maxTime);
    // A window cut by a chunk boundary (the kernel aggregates along the 5m chunks, as Thanos
    // does) appears as two partial samples; combine them per window before comparing.
    const got = new Map<number, { count: number; sum: number; min: number; max: number }>();
    const c = count.get(key)!;
    for (let i = 0; i < c.ts.length; i++) {
      const w = Math.floor(c.ts[i] / RES_1H);
      const a = got.get(w);
      const v = { count: c.vs[i], sum: sum.get(key)!.vs[i], min: min.get(key)!.vs[i], max: max.get(key)!.vs[i] };
      if (!a) got.set(w, v);
      else got.set(w, { count: a.count + v.count, sum: a.sum + v.sum, min: Math.min(a.min, v.min), max: Math.max(a.max, v.max) });
    }
    assert.deepEqual([...got.keys()], [...expected.keys()], key);
    for (const [w, e] of expected) {
      const g = got.get(w)!;
      assert.equal(g.count, e.count, `${key} count @${w}`);
      assert.ok(Math.abs(g.sum - e.sum) <= 1e-9 * Math.max(1, Math.abs(e.sum)), `${key} sum @${w}`);
      assert.equal(g.min, e.min);
      assert.equal(g.max, e.max);
      windows++;
    }
  }
  assert.ok(windows > 3000, `${windows} windows`);
});
