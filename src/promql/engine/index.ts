// The PromQL engine's public surface: instant and range queries over a Queryable.
import type { EngineOptions, QueryResult } from "../api.ts";
import { defaultEngineOptions, PromQLError } from "../api.ts";
import type { Expr } from "../ast.ts";
import { parse } from "../parser/index.ts";
import type { Queryable } from "../queryable.ts";
import type { Matrix, Series, Value } from "../value.ts";
import { Annotations } from "../annotations/index.ts";
import { Ctx, type QueryState } from "./context.ts";
import { evaluate } from "./evaluator.ts";
import { windows } from "./selectors.ts";
import { cleanupNames, mergeSameLabels, toMatrix, toVector } from "./series.ts";
import type { RangeInput } from "./values.ts";
import { compareLabels } from "../../labels/labels.ts";
import { dropMetricName } from "./series.ts";

export class Engine {
  readonly opts: EngineOptions;
  constructor(opts: Partial<EngineOptions> = {}) {
    this.opts = {
      ...defaultEngineOptions,
      ...opts,
      features: { ...defaultEngineOptions.features, ...(opts.features ?? {}) },
    };
  }

  parse(query: string): Expr {
    return parse(query, { features: this.opts.features });
  }

  instantQuery(q: Queryable, query: string | Expr, timeMs: number, signal?: AbortSignal): Promise<QueryResult> {
    return this.run(q, query, timeMs, timeMs, 0, signal);
  }

  rangeQuery(
    q: Queryable,
    query: string | Expr,
    startMs: number,
    endMs: number,
    stepMs: number,
    signal?: AbortSignal,
  ): Promise<QueryResult> {
    if (stepMs <= 0) {
      return Promise.reject(new PromQLError("bad_data", "zero or negative query resolution step widths are not accepted. Try a positive integer"));
    }
    if (endMs < startMs) return Promise.reject(new PromQLError("bad_data", "end timestamp must not be before start time"));
    return this.run(q, query, startMs, endMs, stepMs, signal);
  }

  private async run(
    q: Queryable,
    query: string | Expr,
    start: number,
    end: number,
    step: number,
    signal?: AbortSignal,
  ): Promise<QueryResult> {
    const text = typeof query === "string" ? query : "";
    const expr = typeof query === "string" ? this.parse(query) : query;
    const annos = new Annotations(text);
    const st: QueryState = {
      opts: this.opts,
      queryable: q,
      signal,
      annos,
      deadline: this.opts.timeout > 0 ? Date.now() + this.opts.timeout : Infinity,
      totalSamples: 0,
      peakSamples: 0,
      queryStart: start,
      queryEnd: end,
      queryStep: step,
    };
    const ctx = new Ctx(st, start, end, step);
    const v = await evaluate(ctx, expr);
    let value: Value;
    const delayed = this.opts.features.delayedNameRemoval;
    switch (v.kind) {
      case "scalar":
        value =
          step === 0
            ? { type: "scalar", t: start, v: v.vals[0] }
            : { type: "matrix", series: [{ metric: [], ts: ctx.times.slice(), vs: v.vals.slice() }] };
        break;
      case "string":
        if (step !== 0) throw new PromQLError("bad_data", `invalid expression type "string" for range query, must be Scalar or instant Vector`);
        value = { type: "string", t: start, v: v.v };
        break;
      case "vector": {
        const series = delayed ? cleanupNames(v.series, this.opts.features.typeAndUnitLabels) : mergeSameLabels(v.series);
        value = step === 0 ? toVector(series, 0, start) : toMatrix(series, ctx.times);
        break;
      }
      case "matrix":
        if (step !== 0) throw new PromQLError("bad_data", `invalid expression type "range vector" for range query, must be Scalar or instant Vector`);
        value = rangeToMatrix(v.input, delayed, this.opts.features.typeAndUnitLabels);
        ctx.charge(value.series.reduce((a, s) => a + s.ts.length, 0));
        break;
    }
    return {
      value,
      warnings: [...annos.warnings],
      infos: [...annos.infos],
      stats: { totalQueryableSamples: st.totalSamples, peakSamples: st.peakSamples },
    };
  }
}

// An instant query whose result is a range vector: each series' samples in the window.
function rangeToMatrix(input: RangeInput, delayed: boolean, typeAndUnit: boolean): Matrix {
  const lo = new Int32Array(1);
  const hi = new Int32Array(1);
  const series: Series[] = [];
  for (const s of input.series) {
    windows(s.ts, input.ends, input.range, lo, hi);
    if (hi[0] <= lo[0]) continue;
    const metric = delayed && s.dropName ? dropMetricName(s.metric, typeAndUnit) : s.metric;
    series.push({ metric, ts: s.ts.slice(lo[0], hi[0]), vs: s.vs.slice(lo[0], hi[0]) });
  }
  series.sort((a, b) => compareLabels(a.metric, b.metric));
  return { type: "matrix", series };
}

export { PromQLError } from "../api.ts";
