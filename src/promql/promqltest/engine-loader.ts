// The evaluation engine is loaded lazily (and may not exist yet while it is being written):
// the runner reports a clear error instead of failing to import.
import { allFeatures, defaultEngineOptions, type EngineOptions, type QueryResult } from "../api.ts";
import type { Expr } from "../ast.ts";
import type { Queryable } from "../queryable.ts";

export interface TestEngine {
  instantQuery(q: Queryable, query: string | Expr, timeMs: number): Promise<QueryResult>;
  rangeQuery(q: Queryable, query: string | Expr, startMs: number, endMs: number, stepMs: number): Promise<QueryResult>;
}

// The reference harness's settings.
export const harnessOptions: EngineOptions = {
  ...defaultEngineOptions,
  lookbackDelta: 5 * 60_000,
  maxSamples: 10_000,
  timeout: 0,
  defaultSubqueryStep: 60_000,
  features: allFeatures,
};

export class EngineUnavailableError extends Error {}

export async function loadEngine(opts: EngineOptions = harnessOptions): Promise<TestEngine> {
  // A literal specifier, so bundlers (esbuild for build/aeon.mjs, `bun build --compile`) include
  // the engine; a computed one would be resolved at run time next to the bundle, where no .ts is.
  let mod: { Engine?: new (o: EngineOptions) => TestEngine };
  try {
    mod = (await import("../engine/index.ts")) as typeof mod;
  } catch (e) {
    throw new EngineUnavailableError(`PromQL engine not available (src/promql/engine/index.ts): ${(e as Error).message}`);
  }
  if (typeof mod.Engine !== "function") throw new EngineUnavailableError("src/promql/engine/index.ts exports no Engine class");
  return new mod.Engine(opts);
}
