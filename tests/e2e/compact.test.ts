// End to end: `aeon compact` over a bucket of 2h blocks written by promtool from three days of
// generated data. One pass must leave >= 40h raw blocks plus 5m blocks; promtool must accept
// the output (analyze) and dump exactly the input's samples; the 5m aggregates must equal an
// independent per-window computation from the generated samples.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { applyCounterResets } from "../../src/kernels/index.ts";
import { iterAll } from "../../src/objstore/index.ts";
import { Matcher } from "../../src/labels/index.ts";
import { openBlockDir, readSeriesSamples, RES_5M, RES_RAW } from "../../src/tsdb/index.ts";
import { D, downloadAll, H, hasPromtool, promtoolBucket, promtoolDump, rawIncrease, runAeon, seriesKey, visibleBlocks, windowAggregates, type Fixture } from "../compact/fixtures.ts";

const skip = !hasPromtool && "promtool not installed";
let fx: Fixture;
let inputDump: string[];
let pass: { code: number; output: string };

before(async () => {
  if (skip) return;
  // Aligned to 2 days so the first two days form one complete 2d window.
  const start = Math.floor((Date.now() - 10 * D) / (2 * D)) * 2 * D;
  fx = await promtoolBucket({ startMs: start, endMs: start + 3 * D, stepMs: 120_000, instances: 2 });
  inputDump = promtoolDump(fx.db);
  pass = runAeon(["compact", `--objstore.config-file=${fx.configFile}`, `--data-dir=${join(fx.dir, "work")}`, "--consistency-delay=0s", "--delete-delay=0s"]);
});

after(async () => {
  await fx?.cleanup();
});

test("one pass compacts 3 days of 2h blocks into >= 40h raw blocks plus 5m blocks", { skip }, async () => {
  assert.equal(pass.code, 0, pass.output);
  const raw = await visibleBlocks(fx.bucket, RES_RAW);
  const fiveMin = await visibleBlocks(fx.bucket, RES_5M);
  assert.ok(raw.some((m) => m.maxTime - m.minTime >= 40 * H), `no raw block spans 40h: ${raw.map((m) => (m.maxTime - m.minTime) / H).join(",")}`);
  assert.ok(fiveMin.length >= 1, "no 5m block");
  const big = raw.find((m) => m.maxTime - m.minTime >= 40 * H)!;
  assert.equal(big.compaction.level, 3);
  assert.equal(big.compaction.sources.length, 24);
  assert.equal(big.thanos?.source, "compactor");
  assert.deepEqual(big.thanos?.labels, { cluster: "eu", replica: "a" });
  // Raw blocks never overlap, and together they still cover every source exactly once.
  for (let i = 1; i < raw.length; i++) assert.ok(raw[i].minTime >= raw[i - 1].maxTime, "raw blocks overlap");
  const sources = raw.flatMap((m) => m.compaction.sources).sort();
  assert.deepEqual(sources, [...fx.ids].sort());
  // Sources were marked and (delete-delay 0) deleted: only the visible blocks remain.
  const all = (await iterAll(fx.bucket, "")).filter((n) => /^[0-9A-Z]{26}\/$/.test(n));
  assert.equal(all.length, raw.length + fiveMin.length);
  assert.match(pass.output, /msg="compacted blocks"/);
});

test("promtool analyzes the output blocks and dumps exactly the input samples", { skip }, async () => {
  const raw = await visibleBlocks(fx.bucket, RES_RAW);
  const dir = await downloadAll(fx.bucket, raw, join(fx.dir, "out"));
  for (const m of raw) {
    const out = execFileSync("promtool", ["tsdb", "analyze", dir, m.ulid], { encoding: "utf8" });
    assert.match(out, new RegExp(`Block ID: ${m.ulid}`));
  }
  const fiveMin = await visibleBlocks(fx.bucket, RES_5M);
  const dsDir = await downloadAll(fx.bucket, fiveMin, join(fx.dir, `5m-${Math.random().toString(36).slice(2)}`));
  for (const m of fiveMin) assert.match(execFileSync("promtool", ["tsdb", "analyze", dsDir, m.ulid], { encoding: "utf8" }), /Series: 20/);
  const outDump = promtoolDump(dir);
  assert.equal(outDump.length, inputDump.length);
  assert.deepEqual(outDump, inputDump);
});

test("5m aggregates equal an independent per-window computation", { skip }, async () => {
  const fiveMin = await visibleBlocks(fx.bucket, RES_5M);
  const dir = await downloadAll(fx.bucket, fiveMin, join(fx.dir, `5m-${Math.random().toString(36).slice(2)}`));
  const bySeries = new Map(fx.series.map((s) => [seriesKey(s.labels), s]));
  let windows = 0;
  for (const m of fiveMin) {
    const block = await openBlockDir(join(dir, m.ulid));
    try {
      const all = [new Matcher("=~", "__name__", ".+")];
      const read = async (aggregate: "count" | "sum" | "min" | "max" | "counter") =>
        new Map((await readSeriesSamples(block, all, -Infinity, Infinity, { aggregate })).map((s) => [seriesKey(s.labels), s]));
      const [count, sum, min, max, counter] = await Promise.all([read("count"), read("sum"), read("min"), read("max"), read("counter")]);
      assert.equal(count.size, bySeries.size);
      for (const [key, c] of count) {
        const gen = bySeries.get(key)!;
        const expected = windowAggregates(gen.samples, RES_5M, m.minTime, m.maxTime);
        assert.equal(c.ts.length, expected.size, `${key}: window count`);
        for (let i = 0; i < c.ts.length; i++) {
          const w = expected.get(Math.floor(c.ts[i] / RES_5M));
          assert.ok(w, `${key}: unexpected window at ${c.ts[i]}`);
          assert.equal(c.vs[i], w.count, `${key} count @${c.ts[i]}`);
          assert.ok(Math.abs(sum.get(key)!.vs[i] - w.sum) <= 1e-9 * Math.max(1, Math.abs(w.sum)), `${key} sum @${c.ts[i]}: ${sum.get(key)!.vs[i]} vs ${w.sum}`);
          assert.equal(min.get(key)!.vs[i], w.min, `${key} min`);
          assert.equal(max.get(key)!.vs[i], w.max, `${key} max`);
          windows++;
        }
        if (key.includes("http_requests_total")) {
          // The counter aggregate, with resets applied as the querier does, keeps the raw increase.
          const k = counter.get(key)!;
          const mono = applyCounterResets(k.ts, k.vs);
          const inc = mono.vs[mono.vs.length - 1] - mono.vs[0];
          assert.ok(Math.abs(inc - rawIncrease(gen.samples, m.minTime, m.maxTime)) < 1e-6, `${key}: counter increase ${inc}`);
        }
      }
    } finally {
      await block.close();
    }
  }
  assert.ok(windows > 500, `only ${windows} windows checked`);
});

