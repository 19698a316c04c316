// `load_with_nhcb`: besides the classic series, classic histograms (`<base>_bucket{le=…}`,
// `<base>_count`, `<base>_sum`) are stored as native histograms with custom buckets
// (schema -53) under `<base>`, one per timestamp where bucket samples exist.
import { fromRecord, getLabel, labelsKey, toRecord, type Labels } from "../../labels/labels.ts";
import type { FloatHistogram } from "../histogram.ts";
import { isStaleNaN } from "../value.ts";
import type { MemStorage } from "./storage.ts";

interface Group {
  labels: Labels; // base labels: __name__=<base>, without le
  buckets: Map<number, Map<number, number>>; // t -> upper bound -> cumulative count
  count: Map<number, number>;
  sum: Map<number, number>;
}

export function convertClassicToNHCB(store: MemStorage, loaded: Labels[]): void {
  const groups = new Map<string, Group>();
  const group = (ls: Labels, suffix: string): Group | null => {
    const name = getLabel(ls, "__name__");
    if (!name.endsWith(suffix)) return null;
    const rec = toRecord(ls);
    delete rec.le;
    rec.__name__ = name.slice(0, -suffix.length);
    const labels = fromRecord(rec);
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels, buckets: new Map(), count: new Map(), sum: new Map() }));
    return g;
  };
  const wanted = new Set(loaded.map(labelsKey));
  for (const s of store.allSeries()) {
    if (!wanted.has(labelsKey(s.labels))) continue;
    const name = getLabel(s.labels, "__name__");
    if (name.endsWith("_bucket") && getLabel(s.labels, "le") !== "") {
      const g = group(s.labels, "_bucket")!;
      const le = Number(getLabel(s.labels, "le").replace(/^\+?Inf$/i, "Infinity"));
      s.ts.forEach((t, i) => {
        if (s.hs[i] || isStaleNaN(s.vs[i])) return;
        if (!g.buckets.has(t)) g.buckets.set(t, new Map());
        g.buckets.get(t)!.set(le, s.vs[i]);
      });
    } else if (name.endsWith("_count") || name.endsWith("_sum")) {
      const suffix = name.endsWith("_count") ? "_count" : "_sum";
      const g = group(s.labels, suffix)!;
      s.ts.forEach((t, i) => (suffix === "_count" ? g.count : g.sum).set(t, s.vs[i]));
    }
  }
  for (const g of groups.values()) {
    for (const [t, byLe] of [...g.buckets].sort((a, b) => a[0] - b[0])) {
      const les = [...byLe.keys()].sort((a, b) => a - b);
      const bounds = les.filter((x) => x !== Infinity);
      const counts: number[] = [];
      let prev = 0;
      for (const le of les) {
        const c = byLe.get(le)!;
        counts.push(c - prev);
        prev = c;
      }
      const h: FloatHistogram = {
        counterResetHint: "unknown", schema: -53, zeroThreshold: 0, zeroCount: 0,
        count: g.count.get(t) ?? prev, sum: g.sum.get(t) ?? 0,
        positiveSpans: counts.length ? [{ offset: 0, length: counts.length }] : [],
        negativeSpans: [], positiveBuckets: counts, negativeBuckets: [], customValues: bounds,
      };
      store.append(g.labels, t, 0, h);
    }
  }
}
