// Group keys for aggregations, computed once per series for the whole query.
import type { Label, Labels } from "../../labels/labels.ts";
import { labelsKey, METRIC_NAME } from "../../labels/labels.ts";

export function groupLabels(metric: Labels, grouping: string[], without: boolean): Labels {
  if (without) {
    const out: Label[] = [];
    for (const l of metric) if (l.name !== METRIC_NAME && !grouping.includes(l.name)) out.push(l);
    return out;
  }
  const out: Label[] = [];
  for (const l of metric) if (grouping.includes(l.name)) out.push(l);
  return out;
}

export interface Groups {
  ofSeries: Int32Array; // series index -> group index
  labels: Labels[]; // group index -> output labels (first-appearance order)
}

export function computeGroups(metrics: Labels[], grouping: string[], without: boolean): Groups {
  const ofSeries = new Int32Array(metrics.length);
  const labels: Labels[] = [];
  const idx = new Map<string, number>();
  for (let i = 0; i < metrics.length; i++) {
    const gl = groupLabels(metrics[i], grouping, without);
    const k = labelsKey(gl);
    let g = idx.get(k);
    if (g === undefined) {
      g = labels.length;
      idx.set(k, g);
      labels.push(gl);
    }
    ofSeries[i] = g;
  }
  return { ofSeries, labels };
}
