// `{{schema:0 sum:10 count:20 z_bucket:2 z_bucket_w:0.001 buckets:[1 2] offset:1
// n_buckets:[1] n_offset:0 counter_reset_hint:gauge custom_values:[1 5]}}` -> FloatHistogram.
// Native histograms are evaluated in a later issue; the runner only needs the data model
// filled in (and evals touching them are skipped with --skip-native-histograms).
import type { BucketSpan, FloatHistogram } from "../histogram.ts";
import { parseNumber } from "../parser/lexical.ts";

export class HistogramNotationError extends Error {}

// Histograms whose notation spelled out counter_reset_hint: only then is the hint compared.
export const explicitHint = new WeakSet<FloatHistogram>();

export function parseHistogram(text: string): FloatHistogram {
  const body = text.trim().replace(/^\{\{/, "").replace(/\}\}$/, "").trim();
  const h: FloatHistogram = {
    counterResetHint: "unknown", schema: 0, zeroThreshold: 0, zeroCount: 0, count: 0, sum: 0,
    positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [],
  };
  let offset = 0;
  let nOffset = 0;
  const re = /([a-z_]+):(\[[^\]]*\]|\S+)/g;
  for (const m of body.matchAll(re)) {
    const [, key, raw] = m;
    const list = () => raw.slice(1, -1).trim().split(/\s+/).filter(Boolean).map(parseNumber);
    switch (key) {
      case "schema": h.schema = parseInt(raw, 10); break;
      case "sum": h.sum = parseNumber(raw); break;
      case "count": h.count = parseNumber(raw); break;
      case "z_bucket": h.zeroCount = parseNumber(raw); break;
      case "z_bucket_w": h.zeroThreshold = parseNumber(raw); break;
      case "buckets": h.positiveBuckets = list(); break;
      case "n_buckets": h.negativeBuckets = list(); break;
      case "offset": offset = parseInt(raw, 10); break;
      case "n_offset": nOffset = parseInt(raw, 10); break;
      case "custom_values": h.customValues = list(); break;
      case "counter_reset_hint":
        if (raw !== "unknown" && raw !== "reset" && raw !== "not_reset" && raw !== "gauge") throw new HistogramNotationError(`bad counter_reset_hint ${raw}`);
        h.counterResetHint = raw;
        explicitHint.add(h);
        break;
      default:
        throw new HistogramNotationError(`unknown histogram key ${JSON.stringify(key)}`);
    }
  }
  if (h.positiveBuckets.length) h.positiveSpans = [{ offset, length: h.positiveBuckets.length }];
  if (h.negativeBuckets.length) h.negativeSpans = [{ offset: nOffset, length: h.negativeBuckets.length }];
  return h;
}

function toIndexMap(spans: BucketSpan[], buckets: number[]): Map<number, number> {
  const m = new Map<number, number>();
  let idx = 0;
  let k = 0;
  for (const s of spans) {
    idx += s.offset;
    for (let j = 0; j < s.length; j++) m.set(idx++, buckets[k++] ?? 0);
  }
  return m;
}

function fromIndexMap(m: Map<number, number>): { spans: BucketSpan[]; buckets: number[] } {
  const idxs = [...m.keys()].sort((a, b) => a - b);
  const spans: BucketSpan[] = [];
  const buckets: number[] = [];
  let prev = 0;
  for (const i of idxs) {
    const last = spans[spans.length - 1];
    if (last && i === prev + 1) last.length++;
    else spans.push({ offset: spans.length === 0 ? i : i - prev - 1, length: 1 });
    buckets.push(m.get(i)!);
    prev = i;
  }
  return { spans, buckets };
}

// a + sign*b for histograms of the same schema (what `h1+h2xN` expansion needs).
export function addHistograms(a: FloatHistogram, b: FloatHistogram, sign: 1 | -1): FloatHistogram {
  const merge = (sa: BucketSpan[], ba: number[], sb: BucketSpan[], bb: number[]) => {
    const m = toIndexMap(sa, ba);
    for (const [i, v] of toIndexMap(sb, bb)) m.set(i, (m.get(i) ?? 0) + sign * v);
    return fromIndexMap(m);
  };
  const pos = merge(a.positiveSpans, a.positiveBuckets, b.positiveSpans, b.positiveBuckets);
  const neg = merge(a.negativeSpans, a.negativeBuckets, b.negativeSpans, b.negativeBuckets);
  return {
    ...a,
    count: a.count + sign * b.count,
    sum: a.sum + sign * b.sum,
    zeroCount: a.zeroCount + sign * b.zeroCount,
    zeroThreshold: Math.max(a.zeroThreshold, b.zeroThreshold),
    positiveSpans: pos.spans, positiveBuckets: pos.buckets,
    negativeSpans: neg.spans, negativeBuckets: neg.buckets,
    customValues: a.customValues ? [...a.customValues] : undefined,
  };
}

const EPS = 1e-6;
function close(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const sum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || sum < 2.2250738585072014e-308) return diff < EPS * 2.2250738585072014e-308;
  return diff / Math.min(sum, Number.MAX_VALUE) < EPS;
}

function nonEmptyBuckets(spans: BucketSpan[], buckets: number[]): Map<number, number> {
  const m = toIndexMap(spans, buckets);
  for (const [k, v] of m) if (v === 0) m.delete(k);
  return m;
}

// Field-by-field comparison as the reference harness does it; null when equal.
export function histogramDifference(exp: FloatHistogram, act: FloatHistogram): string | null {
  if (exp.schema !== act.schema) return `schema ${exp.schema} != ${act.schema}`;
  for (const f of ["count", "sum", "zeroCount", "zeroThreshold"] as const) {
    if (!close(exp[f], act[f])) return `${f} ${exp[f]} != ${act[f]}`;
  }
  const ec = exp.customValues ?? [];
  const ac = act.customValues ?? [];
  if (ec.length !== ac.length || ec.some((v, i) => !close(v, ac[i]))) return `custom_values [${ec}] != [${ac}]`;
  for (const side of ["positive", "negative"] as const) {
    const e = nonEmptyBuckets(exp[`${side}Spans`], exp[`${side}Buckets`]);
    const a = nonEmptyBuckets(act[`${side}Spans`], act[`${side}Buckets`]);
    if (e.size !== a.size) return `${side} buckets differ`;
    for (const [k, v] of e) if (!a.has(k) || !close(v, a.get(k)!)) return `${side} bucket ${k}: ${v} != ${a.get(k)}`;
  }
  if (explicitHint.has(exp) && exp.counterResetHint !== act.counterResetHint) return `counter_reset_hint ${exp.counterResetHint} != ${act.counterResetHint}`;
  return null;
}
