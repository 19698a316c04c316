// What a node evaluates to inside the engine. Vectors are step-aligned series; range vectors
// are raw samples plus the per-step window they are looked at through.
import type { Labels } from "../../labels/labels.ts";
import type { PosRange, VectorSelector } from "../ast.ts";
import type { StepSeries } from "./series.ts";

export interface RangeSeries {
  metric: Labels;
  ts: Float64Array; // ascending, stale markers removed
  vs: Float64Array;
  dropName: boolean;
  sts?: Float64Array; // start timestamps (ms, NaN = unknown), index-aligned with ts
}

// A range vector as seen from each step: step i looks at samples with
// ends[i] - range < t <= ends[i].
export interface RangeInput {
  series: RangeSeries[];
  ends: Float64Array;
  range: number;
  selector: VectorSelector | null; // the matrix selector's vector selector, null for subqueries
  pos: PosRange;
}

export type EvalValue =
  | { kind: "scalar"; vals: Float64Array }
  | { kind: "vector"; series: StepSeries[] }
  | { kind: "string"; v: string }
  | { kind: "matrix"; input: RangeInput };
