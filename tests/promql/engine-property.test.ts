// Property: for random data, every step of a range query equals the instant query at that
// time (the engine's step loops, sliding windows and per-query group keys must not change
// any answer), for a set of queries that exercise each family.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import fc from "fast-check";
import { allFeatures } from "../../src/promql/api.ts";
import { Engine } from "../../src/promql/engine/index.ts";
import { TestStore, vectorLines } from "./engine-helpers.ts";

const QUERIES = [
  "rate(c_total[2m])",
  "sum by (g) (increase(c_total[3m]))",
  "avg_over_time(c_total[90s]) - on(g, i) c_total",
  "topk(2, c_total)",
  "quantile_over_time(0.3, c_total[4m:20s])",
  "c_total unless on(i) c_total{g=\"x\"} > 10",
  "resets(c_total[5m]) + changes(c_total[5m] anchored)",
  "count_values(\"v\", c_total % 4)",
];

const seriesArb = fc.array(
  fc.record({
    g: fc.constantFrom("x", "y"),
    values: fc.array(fc.option(fc.integer({ min: 0, max: 40 }), { freq: 4 }), { minLength: 5, maxLength: 40 }),
    jitter: fc.integer({ min: 0, max: 9_000 }),
  }),
  { minLength: 1, maxLength: 5 },
);

test("range query steps equal instant queries on random data", async () => {
  const e = new Engine({ features: allFeatures });
  await fc.assert(
    fc.asyncProperty(seriesArb, fc.integer({ min: 10_000, max: 70_000 }), async (series, step) => {
      const st = new TestStore();
      series.forEach((s, idx) => {
        const pts: [number, number][] = [];
        s.values.forEach((v, k) => {
          if (v !== null) pts.push([k * 15_000 + s.jitter, v]);
        });
        st.add({ __name__: "c_total", g: s.g, i: String(idx) }, pts);
      });
      const end = 10 * 60_000;
      for (const q of QUERIES) {
        const r = await e.rangeQuery(st, q, 0, end, step);
        assert.equal(r.value.type, "matrix");
        if (r.value.type !== "matrix") return;
        for (let t = 0; t <= end; t += step) {
          const inst = vectorLines(await e.instantQuery(st, q, t));
          const fromRange = r.value.series
            .flatMap((s) => {
              const i = Array.from(s.ts).indexOf(t);
              return i < 0 ? [] : [`${s.metric.map((l) => `${l.name}=${l.value}`).join(",")} => ${s.vs[i]}`.trim()];
            })
            .sort();
          assert.deepEqual(fromRange, inst, `${q} at ${t}`);
        }
      }
    }),
    { numRuns: 12 },
  );
});
