// Evaluation context: the step grid of the current (sub-)evaluation plus the per-query state
// (options, storage, cancellation, annotations, sample accounting) shared by every node.
import type { EngineOptions } from "../api.ts";
import { PromQLError } from "../api.ts";
import type { Queryable } from "../queryable.ts";
import type { Annotations } from "../annotations/index.ts";

export interface QueryState {
  opts: EngineOptions;
  queryable: Queryable;
  signal?: AbortSignal;
  annos: Annotations;
  deadline: number; // Date.now() ms, Infinity when no timeout
  totalSamples: number; // samples read from storage (stats)
  peakSamples: number;
  // The outermost query's range, for `@ start()` / `@ end()` and the duration functions
  // step() and range().
  queryStart: number;
  queryEnd: number;
  queryStep: number;
}

// Select hints from the path above a selector, as Prometheus derives them: the nearest
// enclosing function or aggregation, and the nearest aggregation's grouping. Stores use them
// (Thanos picks downsampled aggregates by function).
export interface PathHints {
  func?: string;
  grouping?: string[];
  by?: boolean;
}

export class Ctx {
  readonly n: number;
  readonly times: Float64Array;
  hints: PathHints = {};
  constructor(
    readonly st: QueryState,
    readonly start: number,
    readonly end: number,
    readonly interval: number,
    times?: Float64Array,
  ) {
    this.n = interval > 0 ? Math.floor((end - start) / interval) + 1 : 1;
    if (times) this.times = times;
    else {
      this.times = new Float64Array(this.n);
      for (let i = 0; i < this.n; i++) this.times[i] = start + i * interval;
    }
  }

  // A context over another step grid sharing the query state (subqueries, `@`-pinned parts).
  sub(start: number, end: number, interval: number): Ctx {
    const c = new Ctx(this.st, start, end, interval);
    c.hints = this.hints;
    return c;
  }

  // The same step grid with the hints of a deeper path.
  withHints(h: PathHints): Ctx {
    const c = new Ctx(this.st, this.start, this.end, this.interval, this.times);
    c.hints = { ...this.hints, ...h };
    return c;
  }

  get features() {
    return this.st.opts.features;
  }

  checkAbort(): void {
    if (this.st.signal?.aborted) throw new PromQLError("canceled", "query was canceled in query execution");
    if (Date.now() > this.st.deadline) throw new PromQLError("timeout", "query timed out in query execution");
  }

  // Sample accounting as Prometheus's max-samples limit: the number of samples the current
  // node holds at once. We charge whole intermediate results, which is what Prometheus holds.
  charge(samples: number): void {
    if (samples > this.st.peakSamples) this.st.peakSamples = samples;
    if (samples > this.st.opts.maxSamples) {
      throw new PromQLError("execution", "query processing would load too many samples into memory in query execution");
    }
  }
}

export function execError(msg: string): PromQLError {
  return new PromQLError("execution", msg);
}
