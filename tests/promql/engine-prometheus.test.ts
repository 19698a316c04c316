// Differential test against a real Prometheus (Debian's 2.42): the same series are imported
// into its TSDB with promtool, and instant queries are compared at times off the sample grid
// (2.x includes a sample exactly at the window start, 3.x does not; off-grid times avoid the
// difference). Values must agree to 1e-9 relative (2.42 sums without Kahan compensation).
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { writeFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Engine } from "../../src/promql/engine/index.ts";
import { startPrometheus, type PrometheusProc } from "../helpers/processes.ts";
import { TestStore } from "./engine-helpers.ts";

let prom: PrometheusProc | null = null;
let dir = "";
const store = new TestStore();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "aeon-promql-diff-"));
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  let om = "";
  const add = (name: string, labels: Record<string, string>, gen: (i: number, prev: number) => number | null) => {
    const pts: [number, number][] = [];
    let v = 0;
    for (let i = 0; i < 480; i++) {
      const t = i * 15_000 + Math.floor(rnd() * 3000);
      const nv = gen(i, v);
      if (nv === null) continue;
      v = nv;
      pts.push([t, v]);
    }
    store.add({ __name__: name, ...labels }, pts);
    const sel = `${name}{${Object.entries(labels).map(([k, x]) => `${k}="${x}"`).join(",")}}`;
    for (const [t, x] of pts) om += `${sel} ${x} ${(t / 1000).toFixed(3)}\n`;
  };
  for (let s = 0; s < 6; s++) {
    const labels = { job: s % 2 ? "api" : "db", instance: `i${s}` };
    add("req_total", labels, (i, prev) => (i % 97 === 50 && s === 1 ? 3 : i % 31 === 7 && s === 2 ? null : prev + Math.floor(rnd() * 20)));
    add("temp", labels, () => Math.round((20 + rnd() * 10) * 100) / 100);
  }
  for (const le of ["0.1", "0.5", "1", "+Inf"]) {
    add("lat_bucket", { job: "api", le }, (i) => i * (le === "0.1" ? 1 : le === "0.5" ? 3 : le === "1" ? 4 : 5));
  }
  await writeFile(join(dir, "data.om"), om + "# EOF\n");
  execFileSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", "-q", join(dir, "data.om"), join(dir, "prom", "data")]);
  prom = await startPrometheus("global: {}\n", ["--storage.tsdb.retention.time=100y"], join(dir, "prom"));
});

after(async () => {
  await prom?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const QUERIES = [
  "rate(req_total[5m])",
  "increase(req_total[10m])",
  "irate(req_total[1m])",
  "delta(temp[10m])",
  "idelta(temp[2m])",
  "deriv(temp[10m])",
  "predict_linear(temp[10m], 600)",
  "resets(req_total[30m])",
  "changes(temp[5m])",
  "avg_over_time(temp[7m])",
  "sum_over_time(temp[7m])",
  "min_over_time(temp[7m])",
  "max_over_time(temp[7m])",
  "count_over_time(req_total[7m])",
  "stddev_over_time(temp[7m])",
  "quantile_over_time(0.9, temp[15m])",
  "last_over_time(temp[3m])",
  "sum by (job) (rate(req_total[5m]))",
  "avg without (instance) (temp)",
  "max by (job) (temp) - min by (job) (temp)",
  "stddev by (job) (temp)",
  "count(temp > 25)",
  "quantile by (job) (0.75, temp)",
  "topk(2, temp)",
  "bottomk(1, rate(req_total[5m]))",
  'count_values("t", round(temp))',
  "temp / on(instance) group_left rate(req_total[5m])",
  "rate(req_total[5m]) > bool 0.5",
  "temp and on(job) (rate(req_total[5m]) > 0.6)",
  "temp unless on(instance) temp > 27",
  "histogram_quantile(0.9, rate(lat_bucket[5m]))",
  "histogram_quantile(0.5, lat_bucket)",
  'label_replace(temp, "host", "h-$1", "instance", "i(.*)")',
  'absent(nope{job="x"})',
  "max_over_time(rate(req_total[2m])[20m:1m])",
  "avg_over_time(temp[10m] offset 7m)",
  "clamp(temp, 22, 28) * 2 + 1",
  "sort_desc(temp)",
  "timestamp(temp)",
  "scalar(sum(temp)) * vector(2)",
];

test("instant queries agree with Prometheus 2.42 off the sample grid", async () => {
  const e = new Engine();
  let compared = 0;
  for (const q of QUERIES) {
    for (const t of [1800.37, 3333.5, 5999.9, 7123.25]) {
      const res = await fetch(`${prom!.url}/api/v1/query?query=${encodeURIComponent(q)}&time=${t}`);
      const body = (await res.json()) as { status: string; data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
      assert.equal(body.status, "success", q);
      const want = new Map(body.data.result.map((r) => [JSON.stringify(Object.entries(r.metric).sort()), Number(r.value[1])]));
      const got = await e.instantQuery(store, q, Math.round(t * 1000));
      assert.equal(got.value.type, "vector", q);
      if (got.value.type !== "vector") continue;
      const have = new Map(got.value.samples.map((s) => [JSON.stringify(s.metric.map((l) => [l.name, l.value]).sort()), s.v]));
      assert.deepEqual([...have.keys()].sort(), [...want.keys()].sort(), `${q} at ${t}: series`);
      for (const [k, w] of want) {
        const g = have.get(k)!;
        const ok = (Number.isNaN(w) && Number.isNaN(g)) || w === g || Math.abs(w - g) <= 1e-9 * Math.max(Math.abs(w), Math.abs(g));
        assert.ok(ok, `${q} at ${t} ${k}: prometheus ${w}, aeon ${g}`);
        compared++;
      }
    }
  }
  assert.ok(compared > 400, `only ${compared} values compared`);
});
