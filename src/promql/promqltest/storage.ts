// An in-memory series store implementing the engine's Queryable, filled by `load` commands.
// It records whether a select returned native-histogram samples, so the runner can tell
// which evals touch histogram data.
import { compareLabels, getLabel, labelsKey, type Labels } from "../../labels/labels.ts";
import type { Matcher } from "../../labels/matcher.ts";
import type { FloatHistogram } from "../histogram.ts";
import type { Queryable, SelectHints, SelectResult, StoredSeries } from "../queryable.ts";
import { STALE_NAN_BITS_HI, STALE_NAN_BITS_LO } from "../value.ts";

// Values live in Float64Arrays: V8 may canonicalize NaNs kept in plain arrays or object
// fields, which would turn staleness markers (a NaN with a special bit pattern) into NaN.
interface MemSeries {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
  sts: Float64Array; // start timestamps, NaN = none
  hs: (FloatHistogram | undefined)[];
  n: number;
  sorted: boolean;
}

export class MemStorage implements Queryable {
  private series = new Map<string, MemSeries>();
  touchedHistograms = false;

  clear(): void {
    this.series.clear();
  }

  // `stale` writes Prometheus's staleness marker bits for v.
  append(labels: Labels, t: number, v: number, h?: FloatHistogram, stale = false, st = NaN): void {
    const key = labelsKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, ts: new Float64Array(16), vs: new Float64Array(16), sts: new Float64Array(16).fill(NaN), hs: [], n: 0, sorted: true };
      this.series.set(key, s);
    }
    for (let i = s.n - 1; i >= 0 && s.ts[i] >= t; i--) {
      if (s.ts[i] === t) {
        // Same timestamp: the later load wins (a TSDB head keeps one sample per timestamp).
        writeValue(s.vs, i, v, stale);
        s.hs[i] = h;
        s.sts[i] = st;
        return;
      }
    }
    if (s.n > 0 && s.ts[s.n - 1] > t) s.sorted = false;
    if (s.n === s.ts.length) {
      s.ts = grow(s.ts);
      s.vs = grow(s.vs);
      const sts = new Float64Array(s.sts.length * 2).fill(NaN);
      sts.set(s.sts);
      s.sts = sts;
    }
    s.ts[s.n] = t;
    s.sts[s.n] = st;
    writeValue(s.vs, s.n, v, stale);
    s.hs[s.n] = h;
    s.n++;
  }

  allSeries(): { labels: Labels; ts: Float64Array; vs: Float64Array; hs: (FloatHistogram | undefined)[] }[] {
    return [...this.series.values()].map((s) => {
      this.ensureSorted(s);
      return { labels: s.labels, ts: s.ts.subarray(0, s.n), vs: s.vs.subarray(0, s.n), hs: s.hs.slice(0, s.n) };
    });
  }

  private ensureSorted(s: MemSeries) {
    if (s.sorted) return;
    const idx = Array.from({ length: s.n }, (_, i) => i).sort((a, b) => s.ts[a] - s.ts[b]);
    const ts = new Float64Array(s.ts.length);
    const vs = new Float64Array(s.vs.length);
    const sts = new Float64Array(s.sts.length).fill(NaN);
    idx.forEach((from, to) => {
      ts[to] = s.ts[from];
      sts[to] = s.sts[from];
      copyBits(s.vs, from, vs, to);
    });
    s.sts = sts;
    s.hs = idx.map((i) => s.hs[i]);
    s.ts = ts;
    s.vs = vs;
    s.sorted = true;
  }

  // Whether any series these matchers select holds native-histogram samples (at any time).
  hasHistograms(matchers: Matcher[]): boolean {
    for (const s of this.series.values()) {
      if (!s.hs.some((h) => h !== undefined)) continue;
      if (matchers.every((m) => m.matches(getLabel(s.labels, m.name)))) return true;
    }
    return false;
  }

  async select(matchers: Matcher[], hints: SelectHints): Promise<SelectResult> {
    const out: StoredSeries[] = [];
    for (const s of this.series.values()) {
      if (!matchers.every((m) => m.matches(getLabel(s.labels, m.name)))) continue;
      this.ensureSorted(s);
      let lo = 0;
      while (lo < s.n && s.ts[lo] < hints.start) lo++;
      let hi = lo;
      while (hi < s.n && s.ts[hi] <= hints.end) hi++;
      if (hi === lo) continue;
      const hs = s.hs.slice(lo, hi);
      const hasHist = hs.some((h) => h !== undefined);
      if (hasHist) this.touchedHistograms = true;
      // slice() copies the bytes, so staleness-marker bits survive.
      const st: StoredSeries = { labels: s.labels, ts: s.ts.slice(lo, hi), vs: s.vs.slice(lo, hi) };
      if (hasHist) st.hs = hs;
      const sts = s.sts.slice(lo, hi);
      if (sts.some((x) => !Number.isNaN(x))) st.sts = sts;
      out.push(st);
    }
    out.sort((a, b) => compareLabels(a.labels, b.labels));
    return { series: out, warnings: [] };
  }
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  new Uint8Array(b.buffer).set(new Uint8Array(a.buffer));
  return b;
}

function copyBits(from: Float64Array, i: number, to: Float64Array, j: number): void {
  new Uint32Array(to.buffer, to.byteOffset + j * 8, 2).set(new Uint32Array(from.buffer, from.byteOffset + i * 8, 2));
}

function writeValue(vs: Float64Array, i: number, v: number, stale: boolean): void {
  if (!stale) {
    vs[i] = v;
    return;
  }
  const w = new Uint32Array(vs.buffer, vs.byteOffset + i * 8, 2);
  w[0] = STALE_NAN_BITS_LO;
  w[1] = STALE_NAN_BITS_HI;
}
