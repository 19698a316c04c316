// The PromQL conformance runner: unit checks of the script reader, storage and comparison
// (with a tiny scripted engine), then the real run over ../shared/conformance/promql/*.test
// against our engine, whose per-file pass counts may only go up (conformance-baseline.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Matcher } from "../../src/labels/matcher.ts";
import { isStaleNaN, type Value } from "../../src/promql/value.ts";
import type { QueryResult } from "../../src/promql/api.ts";
import type { Queryable } from "../../src/promql/queryable.ts";
import { parse } from "../../src/promql/parser/index.ts";
import { formatExpr } from "../../src/promql/format/index.ts";
import { pinToTime } from "../../src/promql/promqltest/at-variants.ts";
import { almostEqual } from "../../src/promql/promqltest/compare.ts";
import { parseValues } from "../../src/promql/promqltest/notation.ts";
import { histogramDifference, parseHistogram } from "../../src/promql/promqltest/histogram-notation.ts";
import {
  EngineUnavailableError, formatTotal, loadEngine, MemStorage, parseScript, runFiles, runScript, type EvalCmd, type TestEngine,
} from "../../src/promql/promqltest/index.ts";

const root = process.env.AEON_ROOT ?? fileURLToPath(new URL("../..", import.meta.url));
const scriptsDir = join(root, "..", "shared", "conformance", "promql");

test("series notation expands like Prometheus", () => {
  const vals = (s: string) => parseValues(s).map((v) => (v.omitted ? "_" : v.stale ? "stale" : v.h ? "h" : v.v));
  assert.deepEqual(vals("1 2 3"), [1, 2, 3]);
  assert.deepEqual(vals("1+2x3"), [1, 3, 5, 7]);
  assert.deepEqual(vals("10-1x2 _ _x2 stale"), [10, 9, 8, "_", "_", "_", "stale"]);
  assert.deepEqual(vals("0+0x2"), [0, 0, 0]);
  assert.deepEqual(vals("5x2"), [5, 5, 5]);
  assert.deepEqual(vals("Inf -Inf NaN 1e3 -1.5e-3"), [Infinity, -Infinity, NaN, 1000, -0.0015]);
  assert.deepEqual(vals("{{schema:0 sum:1 count:2 buckets:[1 1]}}+{{sum:1 count:1 buckets:[1]}}x2"), ["h", "h", "h"]);
  const h = parseValues("{{schema:1 sum:5 count:4 z_bucket:1 z_bucket_w:0.5 buckets:[1 2] offset:1 n_buckets:[1] counter_reset_hint:gauge}}")[0];
  assert.ok(!h.omitted && h.h);
  if (!h.omitted && h.h) {
    assert.equal(h.h.schema, 1);
    assert.equal(h.h.zeroThreshold, 0.5);
    assert.deepEqual(h.h.positiveSpans, [{ offset: 1, length: 2 }]);
    assert.equal(h.h.counterResetHint, "gauge");
  }
});

test("script commands: load, clear on its own line, eval forms, expectations", () => {
  const cmds = parseScript(`# comment
load 5m
  http_requests{job="api", path="/a b"} 0+10x2
  {"metric.name", a="b"} 1

clear
load 1m
  x 1

eval instant at 10m sum(http_requests)
  expect no_warn
  expect warn msg: PromQL warning: something (1:1)
  {} 20

eval range from 0 to 10m step 5m x
  x 1 _ _

eval_fail instant at 0 foo(
  expected_fail_message 1:5: parse error: unclosed left parenthesis

eval_ordered instant at 1m sort(x)
  x 1

eval instant at 0 "a"
  expect string \`a\`

eval instant at 1m 1
  1
`);
  assert.deepEqual(cmds.map((c) => c.kind), ["load", "clear", "load", "eval", "eval", "eval", "eval", "eval", "eval"]);
  const load = cmds[0];
  assert.ok(load.kind === "load");
  if (load.kind === "load") {
    assert.equal(load.stepMs, 300_000);
    assert.deepEqual(load.series[0].labels, [{ name: "__name__", value: "http_requests" }, { name: "job", value: "api" }, { name: "path", value: "/a b" }]);
    assert.deepEqual(load.series[1].labels, [{ name: "__name__", value: "metric.name" }, { name: "a", value: "b" }]);
  }
  const [i, r, f, o, s, sc] = cmds.slice(3) as EvalCmd[];
  assert.equal(i.start, 600_000);
  assert.equal(i.noWarn, true);
  assert.deepEqual(i.expectations, [{ kind: "warn", msg: "PromQL warning: something (1:1)" }]);
  assert.ok(r.range && r.step === 300_000 && r.end === 600_000);
  assert.deepEqual(f.expectations, [{ kind: "fail", msg: "1:5: parse error: unclosed left parenthesis" }]);
  assert.equal(o.ordered, true);
  assert.equal(s.expectString, "a");
  assert.equal(sc.expectScalar, 1);
});

test("@st lines give start timestamps to the following sample line", async () => {
  const [load] = parseScript(`load 1m
  c{a="b"}@st  _ -30s-1mx1
  c{a="b"}     1 2 3
`);
  assert.ok(load.kind === "load");
  if (load.kind !== "load") return;
  assert.equal(load.series.length, 1);
  assert.deepEqual(load.series[0].startOffsets, [null, -30_000, -90_000]);
  let seen: number[] = [];
  const engine: TestEngine = {
    async instantQuery(q) {
      const r = await q.select([new Matcher("=", "__name__", "c")], { start: 0, end: 1e9 });
      seen = Array.from(r.series[0].sts ?? []);
      return { value: { type: "string", t: 0, v: "x" }, warnings: [], infos: [], stats: { totalQueryableSamples: 0, peakSamples: 0 } };
    },
    rangeQuery: async () => {
      throw new Error("unused");
    },
  };
  const res = await runScript("s", 'load 1m\n  c@st _ -30s-1mx1\n  c 1 2 3\n\neval instant at 0 "x"\n  expect string "x"\n', engine, { skipNativeHistograms: true });
  assert.deepEqual(res.map((r) => r.status), ["pass"]);
  assert.deepEqual(seen, [NaN, 30_000, 30_000]);
});

test("storage keeps staleness markers and selects by matchers and time", async () => {
  const st = new MemStorage();
  const ls = [{ name: "__name__", value: "m" }];
  st.append(ls, 0, 1);
  st.append(ls, 20_000, NaN, undefined, true);
  st.append(ls, 10_000, 2); // out of order
  const r = await st.select([new Matcher("=", "__name__", "m")], { start: 5_000, end: 20_000 });
  assert.equal(r.series.length, 1);
  assert.deepEqual(Array.from(r.series[0].ts), [10_000, 20_000]);
  assert.equal(r.series[0].vs[0], 2);
  assert.ok(isStaleNaN(r.series[0].vs[1]));
  assert.equal((await st.select([new Matcher("=", "__name__", "x")], { start: 0, end: 1e9 })).series.length, 0);
});

test("histograms compare field by field, empty buckets ignored, hint only when written", () => {
  const h = (s: string) => parseHistogram(s);
  assert.equal(histogramDifference(h("{{schema:0 sum:5 count:4 buckets:[1 0 3]}}"), h("{{schema:0 sum:5 count:4 buckets:[1]}}")), "positive buckets differ");
  assert.equal(histogramDifference(h("{{schema:0 sum:5 count:4 buckets:[1 0 3]}}"), h("{{schema:0 sum:5.000000001 count:4 buckets:[1 0 3]}}")), null);
  assert.equal(histogramDifference(h("{{schema:0 sum:5 count:4 buckets:[0 1 3]}}"), h("{{schema:0 sum:5 count:4 offset:1 buckets:[1 3]}}")), null);
  assert.match(histogramDifference(h("{{schema:1 count:1}}"), h("{{schema:0 count:1}}"))!, /schema/);
  assert.match(histogramDifference(h("{{count:1 counter_reset_hint:gauge}}"), h("{{count:1}}"))!, /counter_reset_hint/);
  assert.equal(histogramDifference(h("{{count:1}}"), h("{{count:1 counter_reset_hint:gauge}}")), null);
  assert.match(histogramDifference(h("{{schema:-53 count:1 custom_values:[1 2]}}"), h("{{schema:-53 count:1 custom_values:[1 3]}}"))!, /custom_values/);
});

test("float comparison tolerance and @ re-run rewriting", () => {
  assert.ok(almostEqual(1, 1 + 1e-9));
  assert.ok(!almostEqual(1, 1.001));
  assert.ok(almostEqual(NaN, NaN));
  assert.ok(!almostEqual(0, 1e-300));
  const pinned = pinToTime(parse("sum(rate(x[5m])) + y offset 1m + max_over_time(z[5m:1m] @ 3) - max_over_time(w[5m:1m])"), 60_000);
  assert.equal(
    formatExpr(pinned!),
    "sum(rate(x[5m] @ 60.000)) + y @ 60.000 offset 1m + max_over_time(z[5m:1m] @ 3.000) - max_over_time(w[5m:1m] @ 60.000)",
  );
  assert.equal(pinToTime(parse("time() + x"), 1000), null);
});

// A stand-in engine answering from a table: shows the runner passes right answers and fails
// wrong ones, with all re-runs.
const m = [{ name: "__name__", value: "m" }];
function tableEngine(answer: (query: string, t: number) => Value): TestEngine {
  const res = (value: Value): QueryResult => ({ value, warnings: [], infos: [], stats: { totalQueryableSamples: 0, peakSamples: 0 } });
  return {
    async instantQuery(q: Queryable, query, t) {
      await q.select([new Matcher("=", "__name__", "m")], { start: t - 300_000, end: t });
      return res(answer(String(query), t));
    },
    async rangeQuery(q, query, start, end, step) {
      const ts: number[] = [];
      for (let t = start; t <= end; t += step) ts.push(t);
      const vs = ts.map((t) => answer(String(query), t));
      if (vs.some((v) => v.type !== "vector")) throw new Error("range of non-vector");
      const first = vs[0];
      if (first.type !== "vector") throw new Error("range of non-vector");
      return res({
        type: "matrix",
        series: first.samples.map((s, k) => ({
          metric: s.metric,
          ts: Float64Array.from(ts),
          vs: Float64Array.from(vs.map((v) => (v.type === "vector" ? v.samples[k].v : NaN))),
        })),
      });
    },
  };
}

test("runner: passes, failures, re-runs and histogram skips", async () => {
  const right = tableEngine(() => ({ type: "vector", samples: [{ metric: m, t: 0, v: 1 }] }));
  const script = `load 1m
  m 1 1 1

eval instant at 1m m
  m 1
`;
  assert.deepEqual((await runScript("s", script, right, { skipNativeHistograms: true })).map((r) => r.status), ["pass"]);
  const wrong = tableEngine(() => ({ type: "vector", samples: [{ metric: m, t: 0, v: 2 }] }));
  const [w] = await runScript("s", script, wrong, { skipNativeHistograms: true });
  assert.equal(w.status, "fail");
  assert.match(w.reason!, /expected 1 for \{__name__="m"\} but got 2/);
  // Right at the eval time, wrong at the @ re-run times: the case fails.
  const timeDependent = tableEngine((_q, t) => ({ type: "vector", samples: [{ metric: m, t, v: t === 60_000 ? 1 : 7 }] }));
  const [td] = await runScript("s", script, timeDependent, { skipNativeHistograms: true });
  assert.equal(td.status, "fail");
  assert.match(td.reason!, /@ re-run/);
  const hist = `load 1m
  m {{schema:0 sum:1 count:1}}

eval instant at 1m m
  m 1
`;
  assert.deepEqual((await runScript("s", hist, wrong, { skipNativeHistograms: true })).map((r) => r.status), ["skip"]);
  assert.deepEqual((await runScript("s", hist, wrong, { skipNativeHistograms: false })).map((r) => r.status), ["fail"]);
  const failing = `eval instant at 0 m
  expect fail msg: boom
`;
  const thrower: TestEngine = { instantQuery: async () => { throw new Error("boom"); }, rangeQuery: async () => { throw new Error("boom"); } };
  assert.deepEqual((await runScript("s", failing, thrower, { skipNativeHistograms: true })).map((r) => r.status), ["pass"]);
  assert.deepEqual((await runScript("s", failing, right, { skipNativeHistograms: true })).map((r) => r.status), ["fail"]);
});

test("aeon tools promql-test: failing evals, per-file table, total line, exit code", async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-promql-test-"));
  try {
    const file = join(dir, "tiny.test");
    await writeFile(file, `load 1m
  m{a="x"} 1 2 3

eval instant at 2m m
  m{a="x"} 3

eval instant at 2m m * 2
  {a="x"} 7

load 1m
  h {{schema:0 sum:1 count:1}}

eval instant at 1m h
  h {{schema:0 sum:1 count:1}}
`);
    const run = (args: string[]) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        execFile(process.execPath, ["--import", "tsx", join(root, "src/cli.ts"), "tools", "promql-test", ...args], { cwd: root }, (err, stdout, stderr) =>
          resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, out: stdout + stderr }),
        );
      });
    const r = await run(["--skip-native-histograms", file]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /FAIL tiny\.test:7: m \* 2\n {2}expected 7 for \{a="x"\} but got 6/);
    assert.match(r.out, /tiny\.test\s+1\s+1\s+1\n/);
    assert.match(r.out, /^1 passed, 1 failed, 1 skipped$/m);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("conformance scripts: pass counts never drop below the baseline", async (t) => {
  let engine: TestEngine;
  try {
    engine = await loadEngine();
  } catch (e) {
    if (e instanceof EngineUnavailableError) assert.fail(`the PromQL engine is missing: ${e.message}`);
    throw e;
  }
  const files = (await readdir(scriptsDir)).filter((f) => f.endsWith(".test")).sort();
  assert.ok(files.length > 0, `no scripts in ${scriptsDir}`);
  const run = await runFiles(files.map((f) => join(scriptsDir, f)), { skipNativeHistograms: true }, engine);
  const baseline: { passed: Record<string, number> } = JSON.parse(await readFile(new URL("./conformance-baseline.json", import.meta.url), "utf8"));
  t.diagnostic(formatTotal(run.summaries));
  const drops: string[] = [];
  for (const s of run.summaries) {
    const want = baseline.passed[s.file] ?? 0;
    if (s.passed < want) {
      const fails = run.results.filter((r) => r.file === s.file && r.status === "fail").map((r) => `  ${r.file}:${r.line}: ${r.query}\n    ${r.reason}`);
      drops.push(`${s.file}: ${s.passed} passed, baseline ${want}\n${fails.join("\n")}`);
    }
  }
  assert.deepEqual(drops, []);
});
