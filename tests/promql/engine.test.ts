// Engine semantics (Prometheus 3.x): windows, staleness, offset/@, subqueries, aggregations,
// vector matching, name dropping, annotations and errors.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { allFeatures, PromQLError } from "../../src/promql/api.ts";
import { Engine } from "../../src/promql/engine/index.ts";
import { matrixLines, TestStore, vectorLines } from "./engine-helpers.ts";

const m = 60_000;

test("lookback is left-open: a sample exactly lookback before t is not used", async () => {
  const st = new TestStore().add({ __name__: "a" }, [[0, 1]]);
  const e = new Engine();
  assert.deepEqual(vectorLines(await e.instantQuery(st, "a", 5 * m - 1)), ["__name__=a => 1"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "a", 5 * m)), []);
});

test("range windows are left-open and right-closed", async () => {
  const st = new TestStore().addSteps({ __name__: "a" }, m, [1, 2, 3, 4]);
  const e = new Engine();
  // (1m, 3m] holds the samples at 2m and 3m.
  assert.deepEqual(vectorLines(await e.instantQuery(st, "count_over_time(a[2m])", 3 * m)), ["=> 2"]);
  const r = await e.instantQuery(st, "a[2m]", 3 * m);
  assert.deepEqual(matrixLines(r), ["__name__=a => 3@120 4@180"]);
});

test("a staleness marker ends the series for lookback and is dropped from ranges", async () => {
  const st = new TestStore().add({ __name__: "a" }, [
    [0, 1],
    [m, "stale"],
    [2 * m, 3],
  ]);
  const e = new Engine();
  assert.deepEqual(vectorLines(await e.instantQuery(st, "a", m + 30_000)), []);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "count_over_time(a[3m])", 2 * m)), ["=> 2"]);
  const r = await e.rangeQuery(st, "a", 0, 2 * m, m);
  assert.deepEqual(matrixLines(r), ["__name__=a => 1@0 3@120"]);
});

test("rate extrapolates like Prometheus (counter with a reset, zero-point limit)", async () => {
  // 0+10x10 at 1m, reset after 5 samples: 0 10 20 30 40 0 10 20 30 40
  const vals = [0, 10, 20, 30, 40, 0, 10, 20, 30, 40];
  const st = new TestStore().addSteps({ __name__: "c_total" }, m, vals);
  const e = new Engine();
  // increase over (4m, 9m]: samples 5m..9m = 0 10 20 30 40 -> 40 over 4m, extrapolated to 5m
  // except that the counter would cross zero: toStart = min(30s, 4m*0/40=0) = 0.
  const r = await e.instantQuery(st, "increase(c_total[5m])", 9 * m);
  assert.deepEqual(vectorLines(r), ["=> 40"]);
  const r2 = await e.instantQuery(st, "rate(c_total[5m])", 7 * m + 30_000);
  // (2.5m, 7.5m]: 3m..7m = 30 40 0 10 20 -> 20 - 30 + 40 (reset) = 30 over 4m; both ends
  // 30s away, within 1.1 x the 60s average interval, so extrapolated all the way: x 5/4.
  const v = Number(vectorLines(r2)[0].split("=> ")[1]);
  assert.ok(Math.abs(v - (30 * (5 / 4)) / 300) < 1e-12, String(v));
});

test("offset, negative offset and @ with start()/end()", async () => {
  const st = new TestStore().addSteps({ __name__: "a" }, m, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const e = new Engine();
  assert.deepEqual(vectorLines(await e.instantQuery(st, "a offset 2m", 5 * m)), ["__name__=a => 3"]);
  const neg = new Engine({ features: allFeatures });
  assert.deepEqual(vectorLines(await neg.instantQuery(st, "a offset -2m", 5 * m)), ["__name__=a => 7"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "a @ 120", 9 * m)), ["__name__=a => 2"]);
  const r = await e.rangeQuery(st, "a @ end() - a @ start()", 2 * m, 4 * m, m);
  assert.deepEqual(matrixLines(r), ["=> 2@120 2@180 2@240"]);
});

test("subquery steps are aligned to absolute multiples of the step", async () => {
  const st = new TestStore().addSteps({ __name__: "a" }, 10_000, Array.from({ length: 40 }, (_, i) => i));
  const e = new Engine();
  // [30s:20s] at 65s: subquery points at 40s and 60s (multiples of 20s inside (35s, 65s]).
  const r = await e.instantQuery(st, "count_over_time(a[30s:20s])", 65_000);
  assert.deepEqual(vectorLines(r), ["=> 2"]);
  const r2 = await e.instantQuery(st, "sum_over_time(a[30s:20s])", 65_000);
  assert.deepEqual(vectorLines(r2), ["=> 10"]); // a@40s=4, a@60s=6
});

test("aggregations group by/without; avg survives overflow; topk keeps labels in order", async () => {
  const st = new TestStore()
    .add({ __name__: "x", job: "a", i: "1" }, [[0, 1]])
    .add({ __name__: "x", job: "a", i: "2" }, [[0, 5]])
    .add({ __name__: "x", job: "b", i: "3" }, [[0, 3]])
    .add({ __name__: "big", i: "1" }, [[0, Number.MAX_VALUE]])
    .add({ __name__: "big", i: "2" }, [[0, Number.MAX_VALUE]]);
  const e = new Engine();
  assert.deepEqual(vectorLines(await e.instantQuery(st, "sum by (job) (x)", 0)), ["job=a => 6", "job=b => 3"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "max without (i) (x)", 0)), ["job=a => 5", "job=b => 3"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "avg(big)", 0)), [`=> ${Number.MAX_VALUE}`]);
  const top = await e.instantQuery(st, "topk(2, x)", 0);
  assert.equal(top.value.type, "vector");
  if (top.value.type === "vector") assert.deepEqual(top.value.samples.map((s) => s.v), [5, 3]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, 'count_values("v", x)', 0)), ["v=1 => 1", "v=3 => 1", "v=5 => 1"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "quantile(0.5, x)", 0)), ["=> 3"]);
});

test("limit_ratio(r) and limit_ratio(-(1-r)) split the series exactly", async () => {
  const st = new TestStore();
  for (let i = 0; i < 50; i++) st.add({ __name__: "x", i: String(i) }, [[0, i]]);
  const e = new Engine({ features: allFeatures });
  const a = vectorLines(await e.instantQuery(st, "limit_ratio(0.3, x)", 0));
  const b = vectorLines(await e.instantQuery(st, "limit_ratio(-0.7, x)", 0));
  assert.equal(a.length + b.length, 50);
  assert.equal(new Set([...a, ...b]).size, 50);
});

test("vector matching: one-to-one, group_left, and Prometheus's errors", async () => {
  const st = new TestStore()
    .add({ __name__: "req", job: "a", code: "200" }, [[0, 10]])
    .add({ __name__: "req", job: "a", code: "500" }, [[0, 2]])
    .add({ __name__: "lim", job: "a" }, [[0, 4]]);
  const e = new Engine();
  assert.deepEqual(vectorLines(await e.instantQuery(st, "req / on(job) group_left lim", 0)), ["code=200,job=a => 2.5", "code=500,job=a => 0.5"]);
  await assert.rejects(e.instantQuery(st, "req / on(job) lim", 0), (err: PromQLError) => {
    assert.equal(err.kind, "execution");
    assert.equal(err.message, "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
    return true;
  });
  await assert.rejects(e.instantQuery(st, "lim / on(job) group_left req", 0), /found duplicate series for the match group \{job="a"\} on the right hand-side of the operation/);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "req > bool 5", 0)), ["code=200,job=a => 1", "code=500,job=a => 0"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "req > 5", 0)), ["__name__=req,code=200,job=a => 10"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, 'req unless on(code) req{code="500"}', 0)), ["__name__=req,code=200,job=a => 10"]);
});

test("name dropping: immediate by default, at the end with delayed removal", async () => {
  const st = new TestStore().add({ __name__: "a_total", x: "1" }, [[0, 1], [m, 2]]).add({ __name__: "b_total", x: "1" }, [[0, 1], [m, 2]]);
  const plain = new Engine();
  await assert.rejects(plain.instantQuery(st, "rate({x='1'}[5m])", m), /vector cannot contain metrics with the same labelset/);
  const delayed = new Engine({ features: allFeatures });
  const r = await delayed.instantQuery(st, 'label_replace(rate({x="1"}[5m]), "n", "$1", "__name__", "(.+)")', m);
  // increase 1 over 60s, extrapolated 30s towards the window start: 1.5 / 300s.
  assert.deepEqual(vectorLines(r), ["n=a_total,x=1 => 0.005", "n=b_total,x=1 => 0.005"]);
});

test("annotations carry Prometheus's texts and positions", async () => {
  const st = new TestStore()
    .add({ __name__: "foo" }, [[0, 1], [m, 2]])
    .add({ __name__: "h_bucket", le: "1" }, [[0, 5]])
    .add({ __name__: "h_bucket", le: "2" }, [[0, 3]])
    .add({ __name__: "h_bucket", le: "+Inf" }, [[0, 6]]);
  const e = new Engine();
  const r = await e.instantQuery(st, "rate(foo[5m])", m);
  assert.deepEqual(r.infos, ['PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "foo" (1:6)']);
  const q = await e.instantQuery(st, "histogram_quantile(1.5, h_bucket)", 0);
  assert.deepEqual(q.warnings, ["PromQL warning: quantile value should be between 0 and 1, got 1.5 (1:20)"]);
  const mono = await e.instantQuery(st, "histogram_quantile(0.5, h_bucket)", 0);
  assert.equal(mono.infos.length, 1);
  assert.match(mono.infos[0], /^PromQL info: input to histogram_quantile needed to be fixed for monotonicity/);
  const rq = await e.rangeQuery(st, "sort(foo)", 0, m, m);
  assert.deepEqual(rq.warnings, ["PromQL warning: sort is ineffective for range queries since results are always ordered by labels (1:1)"]);
});

test("limits and cancellation map to Prometheus error kinds", async () => {
  const st = new TestStore();
  for (let i = 0; i < 20; i++) st.addSteps({ __name__: "x", i: String(i) }, m, [1, 2, 3, 4, 5]);
  const small = new Engine({ maxSamples: 10 });
  await assert.rejects(small.instantQuery(st, "x", 4 * m), (err: PromQLError) => {
    assert.equal(err.kind, "execution");
    assert.equal(err.message, "query processing would load too many samples into memory in query execution");
    return true;
  });
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(new Engine().instantQuery(st, "x", 0, ac.signal), (err: PromQLError) => err.kind === "canceled");
});

test("a range query gives at each step what the instant query gives", async () => {
  const st = new TestStore()
    .addSteps({ __name__: "c_total", j: "a" }, 15_000, Array.from({ length: 60 }, (_, i) => (i * 7) % 50))
    .addSteps({ __name__: "c_total", j: "b" }, 15_000, Array.from({ length: 60 }, (_, i) => i * i));
  const e = new Engine({ features: allFeatures });
  const queries = [
    "sum(rate(c_total[1m]))",
    "max_over_time(c_total[2m:30s])",
    "c_total offset 1m * 2",
    "deriv(c_total[3m])",
    "c_total > on(j) group_left avg by (j) (c_total)",
    "changes(c_total[2m] anchored)",
    "increase(c_total[2m] smoothed)",
  ];
  for (const q of queries) {
    const r = await e.rangeQuery(st, q, 0, 14 * m, 45_000);
    assert.equal(r.value.type, "matrix");
    for (let t = 0; t <= 14 * m; t += 45_000) {
      const inst = vectorLines(await e.instantQuery(st, q, t));
      const fromRange: string[] = r.value.type === "matrix"
        ? r.value.series.flatMap((s) => {
            const i = Array.from(s.ts).indexOf(t);
            return i < 0 ? [] : [`${s.metric.map((l) => `${l.name}=${l.value}`).join(",")} => ${s.vs[i]}`.trim()];
          }).sort()
        : [];
      assert.deepEqual(fromRange, inst, `${q} at ${t}`);
    }
  }
});

test("select hints carry the range, the enclosing function and the aggregation grouping", async () => {
  const st = new TestStore().addSteps({ __name__: "x_total", job: "a" }, m, [1, 2, 3]);
  const e = new Engine();
  await e.rangeQuery(st, "sum by (job) (rate(x_total[5m]))", 0, 2 * m, m);
  assert.equal(st.selects.length, 1);
  const h = st.selects[0];
  assert.deepEqual(
    { func: h.func, range: h.range, grouping: h.grouping, by: h.by, step: h.step, end: h.end },
    { func: "rate", range: 300_000, grouping: ["job"], by: true, step: m, end: 2 * m },
  );
  assert.equal(h.start, -300_000 + 1);
  st.selects.length = 0;
  await e.instantQuery(st, "max without (job) (x_total offset 1m)", 3 * m);
  assert.deepEqual({ func: st.selects[0].func, by: st.selects[0].by, end: st.selects[0].end }, { func: "max", by: false, end: 2 * m });
});

test("a binary expression ends the function hint, as in Prometheus", async () => {
  const st = new TestStore().addSteps({ __name__: "a", job: "x" }, m, [1, 2, 3]);
  await new Engine().instantQuery(st, "sum by (job) (a + a)", 2 * m);
  assert.deepEqual(
    st.selects.map((h) => [h.func, h.grouping]),
    [
      [undefined, ["job"]],
      [undefined, ["job"]],
    ],
  );
});
