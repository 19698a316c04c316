// Match signatures for vector matching: the labels two series are matched on.
import type { Label, Labels } from "../../labels/labels.ts";
import { labelsKey, METRIC_NAME } from "../../labels/labels.ts";
import type { VectorMatching } from "../ast.ts";

export const defaultMatching: VectorMatching = {
  card: "one-to-one",
  matchingLabels: [],
  on: false,
  include: [],
  fillLeft: null,
  fillRight: null,
};

export function matchLabels(metric: Labels, m: VectorMatching): Labels {
  const out: Label[] = [];
  if (m.on) {
    for (const l of metric) if (m.matchingLabels.includes(l.name)) out.push(l);
  } else {
    for (const l of metric) if (l.name !== METRIC_NAME && !m.matchingLabels.includes(l.name)) out.push(l);
  }
  return out;
}

// Signature ids shared by both sides: equal id = same match group.
export class SigTable {
  private ids = new Map<string, number>();
  labels: Labels[] = [];
  id(metric: Labels, m: VectorMatching): number {
    const ml = matchLabels(metric, m);
    const k = labelsKey(ml);
    let id = this.ids.get(k);
    if (id === undefined) {
      id = this.labels.length;
      this.ids.set(k, id);
      this.labels.push(ml);
    }
    return id;
  }
  get size(): number {
    return this.labels.length;
  }
}
