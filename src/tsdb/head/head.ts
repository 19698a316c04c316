// The in-memory head block: every series seen recently, its samples in XOR chunks, an index
// to select series by matchers. It knows nothing about files: the WAL and block cutting live in
// db.ts, which calls into the head in the same order it writes the WAL.
import { compareLabels, type Labels, type Matcher } from "../../labels/index.ts";
import { labelsHash } from "./hash.ts";
import { xorDecodeInto, xorSampleCount } from "../../kernels/xor-ref.ts";
import { compactSamples, hiWordOf, loWordOf } from "../../kernels/f64-bits.ts";
import { Postings } from "./postings.ts";
import {
  APPEND_DUPLICATE_IGNORED,
  APPEND_DUPLICATE_TS,
  APPEND_OK,
  APPEND_OUT_OF_ORDER,
  DEFAULT_CHUNK_RANGE,
  MemSeries,
  SAMPLES_PER_CHUNK,
  type HeadChunk,
} from "./series.ts";

export const APPEND_TOO_OLD = 4; // before the head's minimum valid time (ErrOutOfBounds)
export type HeadAppendCode = 0 | 1 | 2 | 3 | 4;
export { APPEND_OK, APPEND_DUPLICATE_IGNORED, APPEND_OUT_OF_ORDER, APPEND_DUPLICATE_TS };

export interface HeadOptions {
  chunkRange?: number; // ms; block length of the TSDB (2h)
  samplesPerChunk?: number; // 120, as Prometheus
}

export interface HeadSeries {
  ref: number;
  labels: Labels;
  chunks: HeadChunk[];
}

export interface SeriesSamples {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
}

export class Head {
  readonly chunkRange: number;
  readonly samplesPerChunk: number;
  // Lookup by labelsHash; a hash shared by different label sets holds an array.
  private readonly byHash = new Map<number, MemSeries | MemSeries[]>();
  private readonly all = new Set<MemSeries>();
  private readonly byRef = new Map<number, MemSeries>();
  private readonly postings = new Postings();
  private nextRef = 1;
  minTime = Infinity; // oldest sample held
  maxTime = -Infinity; // newest sample held
  // Samples older than this are refused: everything before it is in persisted blocks.
  minValidTime = -Infinity;
  numSamples = 0;

  constructor(opts: HeadOptions = {}) {
    this.chunkRange = opts.chunkRange ?? DEFAULT_CHUNK_RANGE;
    this.samplesPerChunk = opts.samplesPerChunk ?? SAMPLES_PER_CHUNK;
  }

  get numSeries(): number {
    return this.all.size;
  }

  // Prometheus's appender lower bound: no older than the persisted blocks, nor more than half
  // a chunk range behind the newest sample (so a late sample cannot land in a block already cut).
  appendMinValidTime(): number {
    if (this.maxTime === -Infinity) return this.minValidTime;
    return Math.max(this.minValidTime, this.maxTime - this.chunkRange / 2);
  }

  // Series for `labels` (sorted, validated by the caller); `hash` is labelsHash(labels),
  // which the remote-write decoder supplies without rescanning the strings.
  getOrCreate(labels: Labels, hash = labelsHash(labels)): { series: MemSeries; created: boolean } {
    const s = this.get(labels, hash);
    if (s) return { series: s, created: false };
    return { series: this.insert(this.nextRef++, labels, hash), created: true };
  }

  get(labels: Labels, hash = labelsHash(labels)): MemSeries | undefined {
    const e = this.byHash.get(hash);
    if (e === undefined) return undefined;
    if (!Array.isArray(e)) return sameLabels(e.labels, labels) ? e : undefined;
    for (const s of e) if (sameLabels(s.labels, labels)) return s;
    return undefined;
  }

  getByRef(ref: number): MemSeries | undefined {
    return this.byRef.get(ref);
  }

  // WAL replay: recreates a series under the ref the WAL recorded. A label set seen again
  // under a new ref (possible after a crash between series records) maps to the first one.
  restoreSeries(ref: number, labels: Labels): MemSeries {
    const hash = labelsHash(labels);
    const existing = this.get(labels, hash);
    if (existing) {
      if (existing.ref !== ref) this.byRef.set(ref, existing);
      return existing;
    }
    if (ref >= this.nextRef) this.nextRef = ref + 1;
    return this.insert(ref, labels, hash);
  }

  private insert(ref: number, labels: Labels, hash: number): MemSeries {
    const s = new MemSeries(ref, labels, hash);
    const e = this.byHash.get(hash);
    if (e === undefined) this.byHash.set(hash, s);
    else if (Array.isArray(e)) e.push(s);
    else this.byHash.set(hash, [e, s]);
    this.all.add(s);
    this.byRef.set(ref, s);
    this.postings.add(ref, labels);
    return s;
  }

  // Appends one sample under the Prometheus rules; `minValid` is appendMinValidTime() taken
  // once per batch, as Prometheus's appender does. A value given as a JS number has lost a NaN
  // payload on Bun: paths that may carry stale markers use appendBits.
  append(s: MemSeries, t: number, v: number, minValid: number): HeadAppendCode {
    return this.appendBits(s, t, hiWordOf(v), loWordOf(v), minValid);
  }

  // append() with the value as its IEEE-754 bits (hi, lo uint32 words).
  appendBits(s: MemSeries, t: number, hi: number, lo: number, minValid: number): HeadAppendCode {
    if (t < minValid) return APPEND_TOO_OLD;
    const code = s.appendable(t, hi, lo);
    if (code !== APPEND_OK) return code;
    s.append(t, hi, lo, this.chunkRange, this.samplesPerChunk);
    if (t < this.minTime) this.minTime = t;
    if (t > this.maxTime) this.maxTime = t;
    this.numSamples++;
    return APPEND_OK;
  }

  deleteRange(ref: number, mint: number, maxt: number): void {
    this.byRef.get(ref)?.addTombstone(mint, maxt);
  }

  // Series matching all matchers with data in [mint, maxt] (inclusive), sorted by labels.
  select(matchers: readonly Matcher[], mint: number, maxt: number): HeadSeries[] {
    const out: HeadSeries[] = [];
    for (const s of this.candidates(matchers)) {
      if (!matchesSeries(matchers, s)) continue;
      const chunks = s.chunksIn(Math.max(mint, this.minValidTime), maxt);
      if (chunks.length === 0) continue;
      out.push({ ref: s.ref, labels: s.labels, chunks });
    }
    out.sort((a, b) => compareLabels(a.labels, b.labels));
    return out;
  }

  // select() decoded into samples within [mint, maxt], tombstoned samples removed. Values are
  // moved as bits only (typed-array copies), so stale markers keep their payload.
  selectSamples(matchers: readonly Matcher[], mint: number, maxt: number): SeriesSamples[] {
    const out: SeriesSamples[] = [];
    for (const hs of this.select(matchers, mint, maxt)) {
      const s = this.byRef.get(hs.ref)!;
      let total = 0;
      for (const c of hs.chunks) total += xorSampleCount(c.data);
      const ts = new Float64Array(total);
      const vs = new Float64Array(total);
      let at = 0;
      for (const c of hs.chunks) at += xorDecodeInto(c.data, ts, vs, at);
      const keep = (t: number) => !(t < mint || t > maxt || t < this.minValidTime || s.isDeleted(t));
      const n = compactSamples(ts, vs, keep);
      if (n) out.push({ labels: hs.labels, ts: ts.slice(0, n), vs: vs.slice(0, n) });
    }
    return out;
  }

  labelNames(): string[] {
    return this.postings.labelNames();
  }

  labelValues(name: string): string[] {
    return this.postings.labelValues(name);
  }

  // Every series with its chunks within [mint, maxt) — the content of a block cut there.
  *seriesForBlock(mint: number, maxt: number): Generator<{ series: MemSeries; chunks: HeadChunk[] }> {
    for (const s of this.all.values()) {
      const chunks = s.chunksIn(mint, maxt - 1).filter((c) => c.mint >= mint && c.maxt < maxt);
      if (chunks.length) yield { series: s, chunks };
    }
  }

  // Forgets everything before `mint` (persisted in a block by then): chunks ending before it,
  // then series left without data. Returns the refs of removed series.
  truncate(mint: number): number[] {
    this.minValidTime = Math.max(this.minValidTime, mint);
    const removed: number[] = [];
    let minTime = Infinity;
    for (const s of this.all.values()) {
      s.truncateBefore(mint);
      if (!s.hasData) {
        removed.push(s.ref);
        this.unlink(s);
        this.postings.delete(s.ref, s.labels);
      } else if (s.minTime < minTime) minTime = s.minTime;
    }
    const gone = new Set(removed);
    for (const [ref, s] of this.byRef) if (gone.has(s.ref)) this.byRef.delete(ref);
    this.minTime = minTime;
    return removed;
  }

  private unlink(s: MemSeries): void {
    this.all.delete(s);
    const e = this.byHash.get(s.hash);
    if (e === s) this.byHash.delete(s.hash);
    else if (Array.isArray(e)) {
      const rest = e.filter((x) => x !== s);
      this.byHash.set(s.hash, rest.length === 1 ? rest[0] : rest);
    }
  }

  *allSeries(): IterableIterator<MemSeries> {
    yield* this.all.values();
  }

  private candidates(matchers: readonly Matcher[]): Iterable<MemSeries> {
    let best: Set<number> | undefined;
    for (const m of matchers) {
      if (m.type !== "=" || m.value === "") continue;
      const p = this.postings.get(m.name, m.value);
      if (!p) return [];
      if (!best || p.size < best.size) best = p;
    }
    if (!best) return this.all.values();
    const refs = best;
    const byRef = this.byRef;
    return (function* () {
      for (const r of refs) {
        const s = byRef.get(r);
        if (s) yield s;
      }
    })();
  }
}

// Interned label strings make most comparisons pointer-equal.
function sameLabels(a: Labels, b: Labels): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].name !== b[i].name || a[i].value !== b[i].value) return false;
  return true;
}

function matchesSeries(matchers: readonly Matcher[], s: MemSeries): boolean {
  for (const m of matchers) {
    let v = "";
    for (const l of s.labels) {
      if (l.name === m.name) {
        v = l.value;
        break;
      }
    }
    if (!m.matches(v)) return false;
  }
  return true;
}
