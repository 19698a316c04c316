// Reference merge-dedup in plain TypeScript: the yardstick for the WASM kernels
// (assembly/dedup.ts) and readable documentation of the semantics (thanos-facts §4).
//  - chain: k-way merge, equal timestamps collapse, first input wins; a sample not later
//    than the last emitted one is dropped.
//  - penalty: Thanos's pairwise replica dedup (pkg/dedup/iter.go), with the same iterator
//    structure: replica 0 and 1 merged, that merged with replica 2, ... Inner iterators are
//    seeked by stepping (Next), and counter adjustments propagate to every live leaf.

export interface Samples {
  ts: Float64Array;
  vs: Float64Array;
}

export function mergeChainRef(inputs: readonly Samples[]): Samples {
  let total = 0;
  for (const s of inputs) total += s.ts.length;
  const outTs = new Float64Array(total);
  const outVs = new Float64Array(total);
  const cursor = new Array<number>(inputs.length).fill(0);
  let out = 0;
  let lastT = -Infinity;
  for (;;) {
    let best = -1;
    let bestT = 0;
    for (let i = 0; i < inputs.length; i++) {
      const c = cursor[i]!;
      if (c >= inputs[i]!.ts.length) continue;
      const t = inputs[i]!.ts[c]!;
      if (best < 0 || t < bestT) {
        best = i;
        bestT = t;
      }
    }
    if (best < 0) break;
    if (bestT > lastT) {
      outTs[out] = bestT;
      outVs[out] = inputs[best]!.vs[cursor[best]!]!;
      out++;
      lastT = bestT;
    }
    cursor[best]!++;
  }
  return { ts: outTs.slice(0, out), vs: outVs.slice(0, out) };
}

export const INITIAL_PENALTY_MS = 5000;

// The iterator contract Thanos's dedup is built from (chunkenc.Iterator + adjustAtValue).
interface ReplicaIterator {
  next(): boolean;
  seek(t: number): boolean;
  atT(): number;
  atV(): number;
  adjust(last: number, lastT: number): void;
}

// The counter offset a replica carries after a switch to it (or away from it): the last
// emitted value was `last` at `lastT`. If the replica has a sample at or before lastT, its own
// value at lastT lines up with `last`, so its increase across the switch is kept (Thanos instead
// lifts the current value to `last`, losing that increase: rate() dips for one window). When
// there is no such sample, or the replica went down since (its own reset), Thanos's rule:
// a replica reading below `last` carries the difference. The WASM kernel does the same sums.
export function switchOffset(ts: Float64Array, vs: Float64Array, cur: number, off: number, last: number, lastT: number): number {
  const raw = vs[cur]!;
  let k = cur - 1;
  while (k >= 0 && ts[k]! > lastT) k--;
  if (k >= 0) {
    // The replica's value at lastT, interpolated between its samples around it (k+1 exists:
    // at the latest it is `cur`), so a sample up to a scrape earlier does not add the increase
    // between its time and lastT twice.
    let at = vs[k]!;
    const vn = vs[k + 1]!;
    if (vn >= at) at = at + (vn - at) * ((lastT - ts[k]!) / (ts[k + 1]! - ts[k]!));
    const o = last - at;
    if (raw + o >= last) return o;
  }
  const v = raw + off;
  return last > v ? off + (last - v) : off;
}

// One replica's samples, with Prometheus chunk-iterator Next/Seek behaviour and, in counter
// mode, Thanos's additive error offset (counterErrAdjustSeriesIterator).
class Leaf implements ReplicaIterator {
  private i = -1;
  private offset = 0;
  constructor(
    private readonly s: Samples,
    private readonly counter: boolean,
  ) {}
  next(): boolean {
    this.i++;
    return this.i < this.s.ts.length;
  }
  seek(t: number): boolean {
    if (this.i < 0) this.i = 0;
    while (this.i < this.s.ts.length && this.s.ts[this.i]! < t) this.i++;
    return this.i < this.s.ts.length;
  }
  atT(): number {
    return this.s.ts[this.i]!;
  }
  atV(): number {
    const v = this.s.vs[this.i]!;
    return this.counter ? v + this.offset : v;
  }
  adjust(last: number, lastT: number): void {
    if (!this.counter) return;
    this.offset = switchOffset(this.s.ts, this.s.vs, this.i, this.offset, last, lastT);
  }
}

// Thanos dedupSeriesIterator: stay on one replica, switch only across a gap larger than
// twice the last step (5 s before anything was chosen); ties go to A.
class Pair implements ReplicaIterator {
  private lastT = -Infinity;
  private lastSet = false;
  private penA = 0;
  private penB = 0;
  private useA = true;
  private aOk: boolean;
  private bOk: boolean;
  constructor(
    private readonly a: ReplicaIterator,
    private readonly b: ReplicaIterator,
    private readonly counter: boolean,
  ) {
    this.aOk = a.next();
    this.bOk = b.next();
  }

  next(): boolean {
    let hadLast = false;
    let lastV = 0;
    if (this.counter && (this.useA ? this.aOk : this.bOk)) {
      lastV = this.useA ? this.a.atV() : this.b.atV();
      hadLast = true;
    }
    const lastUseA = this.useA;
    const prevT = this.lastT;
    if (this.aOk) this.aOk = this.a.seek(this.lastT + 1 + this.penA);
    if (this.bOk) this.bOk = this.b.seek(this.lastT + 1 + this.penB);

    let ok = true;
    if (!this.aOk) {
      this.useA = false;
      if (this.bOk) this.choose(this.b.atT(), false, false);
      ok = this.bOk;
    } else if (!this.bOk) {
      this.useA = true;
      this.choose(this.a.atT(), true, false);
    } else {
      const ta = this.a.atT();
      const tb = this.b.atT();
      this.useA = ta <= tb;
      this.choose(this.useA ? ta : tb, this.useA, true);
    }
    if (hadLast && this.useA !== lastUseA) this.adjust(lastV, prevT);
    return ok;
  }

  // Records the pick at t; with `penalise` the other replica must skip 2x the step taken.
  private choose(t: number, pickedA: boolean, penalise: boolean): void {
    if (penalise) {
      const pen = this.lastSet ? 2 * (t - this.lastT) : INITIAL_PENALTY_MS;
      if (pickedA) this.penB = pen;
      else this.penA = pen;
    }
    if (pickedA) this.penA = 0;
    else this.penB = 0;
    this.lastT = t;
    this.lastSet = true;
  }

  seek(t: number): boolean {
    for (;;) {
      if (this.atT() >= t) return true;
      if (!this.next()) return false;
    }
  }
  atT(): number {
    return this.useA ? this.a.atT() : this.b.atT();
  }
  atV(): number {
    return this.useA ? this.a.atV() : this.b.atV();
  }
  adjust(last: number, lastT: number): void {
    if (this.aOk) this.a.adjust(last, lastT);
    if (this.bOk) this.b.adjust(last, lastT);
  }
}

export function dedupPenaltyRef(replicas: readonly Samples[], counter = false): Samples {
  if (replicas.length === 0) return { ts: new Float64Array(0), vs: new Float64Array(0) };
  if (replicas.length === 1) return { ts: replicas[0]!.ts.slice(), vs: replicas[0]!.vs.slice() };
  let it: ReplicaIterator = new Leaf(replicas[0]!, counter);
  for (let i = 1; i < replicas.length; i++) it = new Pair(it, new Leaf(replicas[i]!, counter), counter);
  let total = 0;
  for (const r of replicas) total += r.ts.length;
  const ts = new Float64Array(total);
  const vs = new Float64Array(total);
  let n = 0;
  while (it.next()) {
    ts[n] = it.atT();
    vs[n] = it.atV();
    n++;
  }
  return { ts: ts.slice(0, n), vs: vs.slice(0, n) };
}
