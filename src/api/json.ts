// JSON encoding of query results exactly as Prometheus writes them: sample values are strings
// in Go's shortest form ('f' notation, 'e' below 1e-6 and from 1e21), timestamps are seconds
// with the millisecond fraction written out (`1435781451.781`).
import type { Labels } from "../labels/labels.ts";
import type { Matrix, Value, Vector } from "../promql/value.ts";
import type { FloatHistogram } from "../promql/histogram.ts";
import type { ExemplarSeries, MetadataEntry } from "./backend.ts";

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  // JS switches to exponent notation at the same cut-offs Prometheus uses (abs < 1e-6 or
  // >= 1e21) and both print the shortest round-tripping digits; Go pads exponents to 2 digits.
  const s = String(v);
  const e = s.indexOf("e");
  if (e < 0) return s;
  const sign = s[e + 1];
  const digits = s.slice(e + 2);
  return s.slice(0, e) + "e" + sign + (digits.length < 2 ? "0" + digits : digits);
}

export function formatTimestamp(t: number): string {
  let s = "";
  if (t < 0) {
    s = "-";
    t = -t;
  }
  const sec = Math.floor(t / 1000);
  const frac = t - sec * 1000;
  s += String(sec);
  if (frac !== 0) s += "." + String(frac).padStart(3, "0");
  return s;
}

export function labelsJson(ls: Labels): string {
  let s = "{";
  for (let i = 0; i < ls.length; i++) {
    if (i) s += ",";
    s += JSON.stringify(ls[i].name) + ":" + JSON.stringify(ls[i].value);
  }
  return s + "}";
}

function pointJson(t: number, v: number): string {
  return "[" + formatTimestamp(t) + ',"' + formatValue(v) + '"]';
}

function histogramJson(t: number, h: FloatHistogram): string {
  // Prometheus's JSON histogram shape: count, sum, buckets [[boundaryRule, lower, upper, count]].
  const buckets: string[] = [];
  const add = (spans: FloatHistogram["positiveSpans"], counts: number[], positive: boolean) => {
    let idx = 0;
    let bi = 0;
    for (const span of spans) {
      idx += span.offset;
      for (let j = 0; j < span.length; j++, idx++, bi++) {
        const c = counts[bi];
        if (c === 0) continue;
        let lo: number, hi: number;
        if (h.schema === -53 && h.customValues) {
          lo = idx === 0 ? -Infinity : h.customValues[idx - 1];
          hi = idx < h.customValues.length ? h.customValues[idx] : Infinity;
        } else {
          const base = Math.pow(2, Math.pow(2, -h.schema));
          hi = Math.pow(base, idx);
          lo = Math.pow(base, idx - 1);
          if (!positive) [lo, hi] = [-hi, -lo];
        }
        const rule = positive ? 0 : 1; // 0: (lo,hi], 1: [lo,hi)
        buckets.push(`[${rule},"${formatValue(lo)}","${formatValue(hi)}","${formatValue(c)}"]`);
      }
    }
  };
  add(h.negativeSpans, h.negativeBuckets, false);
  if (h.zeroCount > 0) buckets.push(`[3,"${formatValue(-h.zeroThreshold)}","${formatValue(h.zeroThreshold)}","${formatValue(h.zeroCount)}"]`);
  add(h.positiveSpans, h.positiveBuckets, true);
  let body = `{"count":"${formatValue(h.count)}","sum":"${formatValue(h.sum)}"`;
  if (buckets.length) body += `,"buckets":[${buckets.join(",")}]`;
  return "[" + formatTimestamp(t) + "," + body + "}]";
}

function vectorJson(v: Vector): string {
  const parts: string[] = [];
  for (const s of v.samples) {
    parts.push(
      `{"metric":${labelsJson(s.metric)},` + (s.h ? `"histogram":${histogramJson(s.t, s.h)}}` : `"value":${pointJson(s.t, s.v)}}`),
    );
  }
  return "[" + parts.join(",") + "]";
}

function matrixJson(m: Matrix): string {
  const parts: string[] = [];
  for (const s of m.series) {
    const vals: string[] = [];
    const hists: string[] = [];
    for (let i = 0; i < s.ts.length; i++) {
      const h = s.hs?.[i];
      if (h) hists.push(histogramJson(s.ts[i], h));
      else vals.push(pointJson(s.ts[i], s.vs[i]));
    }
    let body = `{"metric":${labelsJson(s.metric)}`;
    if (vals.length) body += `,"values":[${vals.join(",")}]`;
    if (hists.length) body += `,"histograms":[${hists.join(",")}]`;
    parts.push(body + "}");
  }
  return "[" + parts.join(",") + "]";
}

function valueJson(v: Value): string {
  switch (v.type) {
    case "scalar":
      return pointJson(v.t, v.v);
    case "string":
      return `[${formatTimestamp(v.t)},${JSON.stringify(v.v)}]`;
    case "vector":
      return vectorJson(v);
    case "matrix":
      return matrixJson(v);
  }
}

// The `data` member of a query response; `statsJson` is added as `"stats"` when requested.
export function resultJson(v: Value, statsJson?: string): string {
  let s = `{"resultType":"${v.type}","result":${valueJson(v)}`;
  if (statsJson) s += `,"stats":${statsJson}`;
  return s + "}";
}

// /api/v1/query_exemplars: [{seriesLabels, exemplars: [{labels, value, timestamp}]}].
export function exemplarsJson(data: readonly ExemplarSeries[]): string {
  const parts = data.map((d) => {
    const ex = d.exemplars.map((e) => `{"labels":${labelsJson(e.labels)},"value":"${formatValue(e.value)}","timestamp":${formatTimestamp(e.timestampMs)}}`);
    return `{"seriesLabels":${labelsJson(d.seriesLabels)},"exemplars":[${ex.join(",")}]}`;
  });
  return "[" + parts.join(",") + "]";
}

// /api/v1/metadata: {metric: [{type, help, unit}]}, in the map's (sorted) order.
export function metadataJson(data: ReadonlyMap<string, readonly MetadataEntry[]>): string {
  const parts: string[] = [];
  for (const [name, metas] of data) {
    parts.push(`${JSON.stringify(name)}:[${metas.map((m) => `{"type":${JSON.stringify(m.type)},"help":${JSON.stringify(m.help)},"unit":${JSON.stringify(m.unit)}}`).join(",")}]`);
  }
  return "{" + parts.join(",") + "}";
}
