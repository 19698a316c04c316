// Native histograms arrive in a later issue. The value model already has a place for them so
// the engine's data structures do not change shape then.
export interface BucketSpan {
  offset: number;
  length: number;
}

export interface FloatHistogram {
  counterResetHint: "unknown" | "reset" | "not_reset" | "gauge";
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  count: number;
  sum: number;
  positiveSpans: BucketSpan[];
  negativeSpans: BucketSpan[];
  positiveBuckets: number[]; // absolute counts
  negativeBuckets: number[];
  customValues?: number[]; // schema -53 (NHCB) upper bounds
}
