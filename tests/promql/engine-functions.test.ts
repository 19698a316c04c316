// Function families and helpers: math/calendar functions, label_replace expansion, classic
// histogram quantiles, count_values formatting, limit_ratio's hash, anchored/smoothed windows.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { allFeatures } from "../../src/promql/api.ts";
import { Engine } from "../../src/promql/engine/index.ts";
import { formatFloatF } from "../../src/promql/engine/format.ts";
import { labelsHash, xxhash64 } from "../../src/promql/engine/labels-hash.ts";
import { bucketFraction, bucketQuantile, parseGoFloat } from "../../src/promql/functions/histogram.ts";
import { quantile } from "../../src/promql/functions/kahan.ts";
import { TestStore, vectorLines } from "./engine-helpers.ts";

const m = 60_000;

test("xxhash64 matches the reference vectors, labels hash over name\\xffvalue\\xff", () => {
  const enc = new TextEncoder();
  assert.equal(xxhash64(enc.encode("")).toString(16), "ef46db3751d8e999");
  assert.equal(xxhash64(enc.encode("abc")).toString(16), "44bc2cf5ad770999");
  assert.equal(xxhash64(enc.encode("Nobody inspects the spammish repetition")).toString(16), "fbcea83c8a378bf1");
  const ls = [{ name: "a", value: "b" }];
  assert.equal(labelsHash(ls), xxhash64(Uint8Array.from([0x61, 0xff, 0x62, 0xff])));
});

test("count_values formats like Go's FormatFloat(f, 'f', -1, 64)", () => {
  assert.equal(formatFloatF(1e21), "1000000000000000000000");
  assert.equal(formatFloatF(1e-7), "0.0000001");
  assert.equal(formatFloatF(-1.5e-7), "-0.00000015");
  assert.equal(formatFloatF(123.25), "123.25");
  assert.equal(formatFloatF(Infinity), "+Inf");
  assert.equal(formatFloatF(NaN), "NaN");
});

test("quantile interpolates between ranks; out-of-range q gives ±Inf", () => {
  assert.equal(quantile(0.5, [3, 1, 2, 4]), 2.5);
  assert.equal(quantile(0, [3, 1]), 1);
  assert.equal(quantile(-1, [1]), -Infinity);
  assert.equal(quantile(2, [1]), Infinity);
  assert.ok(Number.isNaN(quantile(0.5, [])));
});

test("classic bucket quantile: interpolation, +Inf bucket, monotonicity fix", () => {
  const bs = () => [
    { upper: 0.1, count: 10 },
    { upper: 0.5, count: 30 },
    { upper: Infinity, count: 40 },
  ];
  assert.deepEqual(bucketQuantile(0.5, bs()), [0.1 + 0.4 * (10 / 20), false]);
  assert.deepEqual(bucketQuantile(0.99, bs()), [0.5, false]); // lands in +Inf: highest finite bound
  const broken = [
    { upper: 1, count: 10 },
    { upper: 2, count: 8 },
    { upper: Infinity, count: 12 },
  ];
  const [v, forced] = bucketQuantile(0.5, broken);
  assert.equal(forced, true);
  assert.equal(v, 0.6);
  assert.ok(Number.isNaN(bucketQuantile(0.5, [{ upper: 1, count: 3 }])[0])); // no +Inf bucket
  assert.equal(bucketFraction(0, 0.5, bs()), 30 / 40);
  assert.equal(bucketFraction(1, 1, bs()), 0);
  assert.equal(parseGoFloat("+Inf"), Infinity);
  assert.equal(parseGoFloat("1e3"), 1000);
  assert.equal(parseGoFloat("Hello"), null);
  assert.equal(parseGoFloat(""), null);
});

test("math, clamp, round and calendar functions drop the name", async () => {
  const st = new TestStore().add({ __name__: "v", k: "a" }, [[0, -2.5]]).add({ __name__: "t", k: "b" }, [[0, 1700000000]]);
  const e = new Engine();
  assert.deepEqual(vectorLines(await e.instantQuery(st, "abs(v)", 0)), ["k=a => 2.5"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "round(v)", 0)), ["k=a => -2"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "round(v, 2)", 0)), ["k=a => -2"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "clamp(v, -1, 1)", 0)), ["k=a => -1"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "clamp(v, 1, -1)", 0)), []);
  // 2023-11-14T22:13:20Z
  assert.deepEqual(vectorLines(await e.instantQuery(st, "hour(t)", 0)), ["k=b => 22"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "day_of_week(t)", 0)), ["k=b => 2"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "days_in_month(t)", 0)), ["k=b => 30"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "year()", 0)), ["=> 1970"]);
});

test("label_replace expands $1, ${name} and deletes on empty; bad regex is an error", async () => {
  const st = new TestStore().add({ __name__: "up", instance: "host-1:9100" }, [[0, 1]]);
  const e = new Engine();
  const r = await e.instantQuery(st, 'label_replace(up, "host", "${h}/$2", "instance", "(?P<h>[a-z]+)-(\\\\d+):.*")', 0);
  assert.deepEqual(vectorLines(r), ["__name__=up,host=host/1,instance=host-1:9100 => 1"]);
  const del = await e.instantQuery(st, 'label_replace(up, "instance", "", "instance", ".*")', 0);
  assert.deepEqual(vectorLines(del), ["__name__=up => 1"]);
  const nomatch = await e.instantQuery(st, 'label_replace(up, "x", "y", "instance", "nope")', 0);
  assert.deepEqual(vectorLines(nomatch), ["__name__=up,instance=host-1:9100 => 1"]);
  await assert.rejects(e.instantQuery(st, 'label_replace(up, "x", "y", "instance", "(")', 0), /invalid regular expression in label_replace\(\)/);
});

test("absent() labels come from equality matchers", async () => {
  const st = new TestStore();
  const e = new Engine();
  assert.deepEqual(vectorLines(await e.instantQuery(st, 'absent(nope{job="a", env=~"x"})', 0)), ["job=a => 1"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, 'absent_over_time(nope{job="a"}[5m])', 0)), ["job=a => 1"]);
});

test("anchored and smoothed windows (no extrapolation)", async () => {
  // 1+1x4 9+1x4 at 15 s, as in Prometheus's extended_vectors tests.
  const st = new TestStore().addSteps({ __name__: "metric" }, 15_000, [1, 2, 3, 4, 5, 9, 10, 11, 12, 13]);
  const e = new Engine({ features: allFeatures });
  assert.deepEqual(vectorLines(await e.instantQuery(st, "increase(metric[1m] anchored)", 50_000)), ["=> 3"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "increase(metric[1m] smoothed)", 80_000)), ["=> 7"]);
  await assert.rejects(e.instantQuery(st, "deriv(metric[1m] anchored)", 0), /anchored modifier can only be used with: changes, delta, increase, rate, resets - not with deriv/);
});

test("predict_linear, deriv and double_exponential_smoothing on a line", async () => {
  const st = new TestStore().addSteps({ __name__: "g" }, m, [0, 10, 20, 30, 40]);
  const e = new Engine({ features: allFeatures });
  assert.deepEqual(vectorLines(await e.instantQuery(st, "deriv(g[5m])", 4 * m)), ["=> 0.16666666666666666"]);
  assert.deepEqual(vectorLines(await e.instantQuery(st, "predict_linear(g[5m], 60)", 4 * m)), ["=> 50"]);
  const des = vectorLines(await e.instantQuery(st, "double_exponential_smoothing(g[5m], 0.5, 0.5)", 4 * m));
  assert.deepEqual(des, ["=> 40"]);
});
