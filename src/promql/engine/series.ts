// Step-aligned series: the engine's intermediate form. A series keeps one label set for the
// whole evaluation and a value slot per step (`has` marks the steps with a point), so label
// work (grouping, matching) is done once per series, not once per step.
import type { Labels } from "../../labels/labels.ts";
import { compareLabels, labelsKey, METRIC_NAME } from "../../labels/labels.ts";
import type { Matrix, Series, Vector } from "../value.ts";
import { execError } from "./context.ts";

export interface StepSeries {
  metric: Labels;
  vals: Float64Array;
  has: Uint8Array;
  // Delayed __name__ removal: the name is still in `metric` but goes away at the end.
  dropName: boolean;
  // Sample timestamps per step (only vector selectors fill this, for timestamp()).
  sampleTs?: Float64Array;
  // Start timestamps of those samples (only for start_timestamp()).
  sampleSt?: Float64Array;
}

export function newStepSeries(metric: Labels, n: number, dropName = false): StepSeries {
  return { metric, vals: new Float64Array(n), has: new Uint8Array(n), dropName };
}

export function countPoints(ss: StepSeries[]): number {
  let c = 0;
  for (const s of ss) for (let i = 0; i < s.has.length; i++) c += s.has[i];
  return c;
}

export function hasAnyPoint(s: StepSeries): boolean {
  for (let i = 0; i < s.has.length; i++) if (s.has[i]) return true;
  return false;
}

// Drops __name__; with type-and-unit labels on, __type__ and __unit__ go with it (they
// describe the metric the name named).
export function dropMetricName(ls: Labels, typeAndUnit = false): Labels {
  if (typeAndUnit) return ls.filter((l) => l.name !== METRIC_NAME && l.name !== "__type__" && l.name !== "__unit__");
  for (let i = 0; i < ls.length; i++) {
    if (ls[i].name === METRIC_NAME) return ls.slice(0, i).concat(ls.slice(i + 1));
  }
  return ls;
}

// Name dropping done by functions and arithmetic: immediate, or flagged for the end when
// delayed name removal is on.
export function markDropName(s: StepSeries, f: { delayedNameRemoval: boolean; typeAndUnitLabels: boolean }): void {
  if (f.delayedNameRemoval) s.dropName = true;
  else s.metric = dropMetricName(s.metric, f.typeAndUnitLabels);
}

// Merge series that ended up with the same label set (e.g. after a name drop). Two points at
// the same step are Prometheus's "vector cannot contain metrics with the same labelset".
export function mergeSameLabels(ss: StepSeries[]): StepSeries[] {
  if (ss.length < 2) return ss;
  const byKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  for (const s of ss) {
    const k = labelsKey(s.metric);
    const prev = byKey.get(k);
    if (!prev) {
      byKey.set(k, s);
      out.push(s);
      continue;
    }
    for (let i = 0; i < s.has.length; i++) {
      if (!s.has[i]) continue;
      if (prev.has[i]) throw execError("vector cannot contain metrics with the same labelset");
      prev.has[i] = 1;
      prev.vals[i] = s.vals[i];
      if (prev.sampleTs && s.sampleTs) prev.sampleTs[i] = s.sampleTs[i];
    }
  }
  return out;
}

// End of evaluation with delayed name removal: drop flagged names; series that now share a
// label set are merged, and two points at the same step are an error.
export function cleanupNames(ss: StepSeries[], typeAndUnit = false): StepSeries[] {
  const out: StepSeries[] = [];
  for (const s of ss) {
    if (!hasAnyPoint(s)) continue;
    if (s.dropName) {
      s.metric = dropMetricName(s.metric, typeAndUnit);
      s.dropName = false;
    }
    out.push(s);
  }
  return mergeSameLabels(out);
}

export function toVector(ss: StepSeries[], step: number, t: number): Vector {
  const samples = [];
  for (const s of ss) if (s.has[step]) samples.push({ metric: s.metric, t, v: s.vals[step] });
  return { type: "vector", samples };
}

export function toMatrix(ss: StepSeries[], times: Float64Array): Matrix {
  const series: Series[] = [];
  for (const s of ss) {
    let c = 0;
    for (let i = 0; i < s.has.length; i++) c += s.has[i];
    if (c === 0) continue;
    const ts = new Float64Array(c);
    const vs = new Float64Array(c);
    let j = 0;
    for (let i = 0; i < s.has.length; i++) {
      if (!s.has[i]) continue;
      ts[j] = times[i];
      vs[j++] = s.vals[i];
    }
    series.push({ metric: s.metric, ts, vs });
  }
  series.sort((a, b) => compareLabels(a.metric, b.metric));
  return { type: "matrix", series };
}
