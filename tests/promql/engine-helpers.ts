// Small in-memory Queryable for engine tests: series given as label records plus
// [timestamp ms, value] pairs.
import { fromRecord, type Labels } from "../../src/labels/labels.ts";
import type { Matcher } from "../../src/labels/matcher.ts";
import type { Queryable, SelectHints, SelectResult } from "../../src/promql/queryable.ts";
import { compareLabels } from "../../src/labels/labels.ts";
import type { QueryResult } from "../../src/promql/api.ts";
import { staleNaN } from "../../src/promql/value.ts";

export class TestStore implements Queryable {
  series: { labels: Labels; ts: Float64Array; vs: Float64Array }[] = [];
  selects: SelectHints[] = [];
  // "stale" writes a staleness marker (a NaN payload would not survive a plain JS array).
  add(labels: Record<string, string>, points: [number, number | "stale"][]): this {
    const ts = new Float64Array(points.length);
    const vs = new Float64Array(points.length);
    points.forEach(([t, v], i) => {
      ts[i] = t;
      vs[i] = v === "stale" ? staleNaN() : v;
    });
    this.series.push({ labels: fromRecord(labels), ts, vs });
    return this;
  }
  // `values` at t = 0, step, 2*step, ...; null = no sample.
  addSteps(labels: Record<string, string>, step: number, values: (number | null)[]): this {
    const pts: [number, number][] = [];
    values.forEach((v, i) => {
      if (v !== null) pts.push([i * step, v]);
    });
    return this.add(labels, pts);
  }
  async select(matchers: Matcher[], hints: SelectHints): Promise<SelectResult> {
    this.selects.push(hints);
    const out = [];
    for (const s of this.series) {
      if (!matchers.every((m) => m.matches(s.labels.find((l) => l.name === m.name)?.value ?? ""))) continue;
      const idx: number[] = [];
      for (let i = 0; i < s.ts.length; i++) if (s.ts[i] >= hints.start && s.ts[i] <= hints.end) idx.push(i);
      if (idx.length === 0) continue;
      out.push({ labels: s.labels, ts: s.ts.subarray(idx[0], idx[idx.length - 1] + 1), vs: s.vs.subarray(idx[0], idx[idx.length - 1] + 1) });
    }
    out.sort((a, b) => compareLabels(a.labels, b.labels));
    return { series: out, warnings: [] };
  }
}

// Instant vector result as "labels => value" lines, sorted, for compact assertions.
function fmt(ls: Labels): string {
  return ls.map((l) => `${l.name}=${l.value}`).join(",");
}

export function vectorLines(r: QueryResult): string[] {
  if (r.value.type !== "vector") throw new Error(`expected vector, got ${r.value.type}`);
  return r.value.samples.map((s) => `${fmt(s.metric)} => ${s.v}`.trim()).sort();
}

export function matrixLines(r: QueryResult): string[] {
  if (r.value.type !== "matrix") throw new Error(`expected matrix, got ${r.value.type}`);
  return r.value.series.map(
    (s) => `${fmt(s.metric)} => ${Array.from(s.ts, (t, i) => `${s.vs[i]}@${t / 1000}`).join(" ")}`.trim(),
  );
}
