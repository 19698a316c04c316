// Merge-dedup kernels: one call merges the k replicas of one series into one sorted series.
//
// Inputs are described by a table of k entries of 3 x u32 at `desc`: [tsPtr, vsPtr, count];
// timestamps are f64 integer milliseconds, values f64. The output arrays need room for the sum
// of the counts. Both kernels return the number of output samples or a negative error code.
//
//  - mergeChain: Prometheus ChainedSeriesMerge semantics (Thanos `--deduplication.func=chain`,
//    the compactor's one-to-one dedup): a k-way merge where equal timestamps collapse to one
//    sample. Prometheus keeps "one of" the equal samples; we pin that to the lowest input
//    index (first input wins), and within one input to its first sample at that timestamp.
//    A sample not later than the last emitted one is dropped, so the output is strictly
//    increasing even for unsorted input (Prometheus would emit such a sample out of order).
//  - dedupPenalty: Thanos pkg/dedup/iter.go "penalty" dedup with Thanos's structure: replica 0
//    and 1 are merged by one pairwise iterator, whose output is merged with replica 2, and so
//    on. Seek on an inner pairwise iterator steps with Next (as Thanos does). Two replicas run
//    in one loop (penaltyPair); more replicas fold pairwise passes, or, in counter mode, walk
//    the iterator tree, where the value adjustment on a replica switch reaches the leaves
//    exactly as the nested Thanos iterators pass it down. Results match Thanos for every k.
//  Scratch: mergeChain needs 16 bytes per input; dedupPenalty max(48 * k, 16 * total).

export const DEDUP_ERR_ARGS: i32 = -1;

const INITIAL_PENALTY: f64 = 5000;

// ---------------------------------------------------------------------------------------
// chain

function descTs(desc: usize, i: i32): usize {
  return <usize>load<u32>(desc + <usize>i * 12);
}
function descVs(desc: usize, i: i32): usize {
  return <usize>load<u32>(desc + <usize>i * 12 + 4);
}
function descN(desc: usize, i: i32): i32 {
  return load<i32>(desc + <usize>i * 12 + 8);
}

function validDesc(k: i32, desc: usize): bool {
  if (k < 1) return false;
  for (let i = 0; i < k; i++) if (descN(desc, i) < 0) return false;
  return true;
}

// Copies the remainder of one input, keeping only samples after lastT. Returns the new count.
function drain(ts: usize, vs: usize, from: i32, n: i32, outTs: usize, outVs: usize, out: i32, lastT: f64): i32 {
  for (let i = from; i < n; i++) {
    const t = load<f64>(ts + (<usize>i << 3));
    if (t > lastT) {
      store<f64>(outTs + (<usize>out << 3), t);
      store<u64>(outVs + (<usize>out << 3), load<u64>(vs + (<usize>i << 3)));
      out++;
      lastT = t;
    }
  }
  return out;
}

// Two inputs from positions i and j on, after lastT: the common Receive replication-factor-2
// case, and the end game of chain3. Kept free of the k-scan.
function chainPair(
  aTs: usize, aVs: usize, i: i32, na: i32,
  bTs: usize, bVs: usize, j: i32, nb: i32,
  outTs: usize, outVs: usize, out: i32, lastT: f64,
): i32 {
  while (i < na && j < nb) {
    const ta = load<f64>(aTs + (<usize>i << 3));
    const tb = load<f64>(bTs + (<usize>j << 3));
    let t: f64;
    let v: u64;
    // `!(tb < ta)`: A wins ties (and matches the generic scan's choice for odd inputs).
    if (!(tb < ta)) {
      t = ta;
      v = load<u64>(aVs + (<usize>i << 3));
      i++;
    } else {
      t = tb;
      v = load<u64>(bVs + (<usize>j << 3));
      j++;
    }
    // Branch-free emit: always write at `out`, advance only when the sample is new.
    // `out` never exceeds the samples consumed so far, so the write stays in bounds.
    store<f64>(outTs + (<usize>out << 3), t);
    store<u64>(outVs + (<usize>out << 3), v);
    const keep = t > lastT;
    out += <i32>keep;
    lastT = select<f64>(t, lastT, keep);
  }
  // At most one input has samples left.
  if (i < na) return drain(aTs, aVs, i, na, outTs, outVs, out, lastT);
  return drain(bTs, bVs, j, nb, outTs, outVs, out, lastT);
}

// Three inputs (Receive replication factor 3) with the heads in locals; once one input runs
// out, the other two finish in chainPair.
function chain3(desc: usize, outTs: usize, outVs: usize): i32 {
  const aTs = descTs(desc, 0), aVs = descVs(desc, 0), na = descN(desc, 0);
  const bTs = descTs(desc, 1), bVs = descVs(desc, 1), nb = descN(desc, 1);
  const cTs = descTs(desc, 2), cVs = descVs(desc, 2), nc = descN(desc, 2);
  let i = 0, j = 0, l = 0, out = 0;
  let lastT = -Infinity;
  while (i < na && j < nb && l < nc) {
    const ta = load<f64>(aTs + (<usize>i << 3));
    const tb = load<f64>(bTs + (<usize>j << 3));
    const tc = load<f64>(cTs + (<usize>l << 3));
    // The generic scan's rule: the first input with a strictly smaller head wins.
    let t = ta;
    let v: u64;
    if (tb < t) t = tb;
    if (tc < t) {
      t = tc;
      v = load<u64>(cVs + (<usize>l << 3));
      l++;
    } else if (!(tb < ta)) {
      v = load<u64>(aVs + (<usize>i << 3));
      i++;
    } else {
      v = load<u64>(bVs + (<usize>j << 3));
      j++;
    }
    store<f64>(outTs + (<usize>out << 3), t);
    store<u64>(outVs + (<usize>out << 3), v);
    const keep = t > lastT;
    out += <i32>keep;
    lastT = select<f64>(t, lastT, keep);
  }
  if (i >= na) return chainPair(bTs, bVs, j, nb, cTs, cVs, l, nc, outTs, outVs, out, lastT);
  if (j >= nb) return chainPair(aTs, aVs, i, na, cTs, cVs, l, nc, outTs, outVs, out, lastT);
  return chainPair(aTs, aVs, i, na, bTs, bVs, j, nb, outTs, outVs, out, lastT);
}

// k-way merge. `scratch` holds 16 bytes per input: [cursor i32, live i32, head timestamp f64],
// so each step scans k cached heads and reloads only the input it advanced.
export function mergeChain(k: i32, desc: usize, outTs: usize, outVs: usize, scratch: usize): i32 {
  if (!validDesc(k, desc)) return DEDUP_ERR_ARGS;
  if (k == 2) return chainPair(descTs(desc, 0), descVs(desc, 0), 0, descN(desc, 0), descTs(desc, 1), descVs(desc, 1), 0, descN(desc, 1), outTs, outVs, 0, -Infinity);
  if (k == 3) return chain3(desc, outTs, outVs);
  let live = 0;
  for (let i = 0; i < k; i++) {
    const s = scratch + (<usize>i << 4);
    const has = descN(desc, i) > 0;
    store<i32>(s, 0);
    store<i32>(s + 4, <i32>has);
    if (has) {
      store<f64>(s + 8, load<f64>(descTs(desc, i)));
      live++;
    }
  }
  let out = 0;
  let lastT = -Infinity;
  while (live > 0) {
    // A linear scan of the heads: k is the replica count (2-3 typically), where a heap loses.
    let best = -1;
    let bestT: f64 = 0;
    for (let i = 0; i < k; i++) {
      const s = scratch + (<usize>i << 4);
      if (!load<i32>(s + 4)) continue;
      const t = load<f64>(s + 8);
      if (best < 0 || t < bestT) {
        best = i;
        bestT = t;
      }
    }
    const s = scratch + (<usize>best << 4);
    const c = load<i32>(s);
    if (bestT > lastT) {
      store<f64>(outTs + (<usize>out << 3), bestT);
      store<u64>(outVs + (<usize>out << 3), load<u64>(descVs(desc, best) + (<usize>c << 3)));
      out++;
      lastT = bestT;
    }
    const next = c + 1;
    store<i32>(s, next);
    if (next < descN(desc, best)) {
      store<f64>(s + 8, load<f64>(descTs(desc, best) + (<usize>next << 3)));
    } else {
      store<i32>(s + 4, 0);
      live--;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// penalty
//
// Iterator tree for k replicas (used in counter mode, where the fold would not be exact): leaves 0..k-1 (the replicas), pairwise nodes 1..k-1 where
// node j = dedup(a, b) with a = leaf 0 for j == 1 else node j-1, and b = leaf j.
// State lives in a caller-provided scratch area, one 48-byte slot per index i:
//   +0  i32 leaf cursor            +4 u8 node useA  +5 u8 node aOk  +6 u8 node bOk  +7 u8 node lastSet
//   +8  f64 leaf counter offset    +16 f64 node lastT  +24 f64 node penA  +32 f64 node penB
const SLOT: usize = 48;

let gDesc: usize = 0;
let gState: usize = 0;

// @ts-ignore: decorator
@inline function slot(i: i32): usize {
  return gState + <usize>i * SLOT;
}

// --- leaves (a replica's samples; Prometheus chunk-iterator Next/Seek semantics)

function leafNext(i: i32): bool {
  const s = slot(i);
  const c = load<i32>(s) + 1;
  store<i32>(s, c);
  return c < descN(gDesc, i);
}

function leafSeek(i: i32, t: f64): bool {
  const s = slot(i);
  const n = descN(gDesc, i);
  const ts = descTs(gDesc, i);
  let c = load<i32>(s);
  if (c < 0) c = 0;
  while (c < n && load<f64>(ts + (<usize>c << 3)) < t) c++;
  store<i32>(s, c);
  return c < n;
}

function leafAtT(i: i32): f64 {
  return load<f64>(descTs(gDesc, i) + (<usize>load<i32>(slot(i)) << 3));
}

function leafAtV(i: i32): f64 {
  const v = load<f64>(descVs(gDesc, i) + (<usize>load<i32>(slot(i)) << 3));
  // Thanos's counter iterator always adds its offset (so -0 reads as +0 there too).
  return v + load<f64>(slot(i) + 8);
}

// The counter offset a replica carries after a switch (last emitted value `last` at `lastT`):
// if the replica has a sample at or before lastT, its value at lastT (interpolated) lines up
// with `last`, which
// keeps its own increase across the switch; otherwise, or if it went down since (its own
// reset), Thanos's rule: a replica reading below `last` carries the difference (counters must
// not go down because replicas restarted differently). Same sums as src/kernels/dedup-ref.ts.
function switchOffset(ts: usize, vs: usize, cur: i32, off: f64, last: f64, lastT: f64): f64 {
  const raw = load<f64>(vs + (<usize>cur << 3));
  let k = cur - 1;
  while (k >= 0 && load<f64>(ts + (<usize>k << 3)) > lastT) k--;
  if (k >= 0) {
    // Its value at lastT, interpolated between the samples around it (k+1 <= cur exists).
    const tk = load<f64>(ts + (<usize>k << 3));
    const tn = load<f64>(ts + (<usize>(k + 1) << 3));
    let at = load<f64>(vs + (<usize>k << 3));
    const vn = load<f64>(vs + (<usize>(k + 1) << 3));
    if (vn >= at) at = at + (vn - at) * ((lastT - tk) / (tn - tk));
    const o = last - at;
    if (raw + o >= last) return o;
  }
  const v = raw + off;
  return last > v ? off + (last - v) : off;
}

function leafAdjust(i: i32, last: f64, lastT: f64): void {
  const s = slot(i);
  store<f64>(s + 8, switchOffset(descTs(gDesc, i), descVs(gDesc, i), load<i32>(s), load<f64>(s + 8), last, lastT));
}

// --- child "a" of node j: leaf 0 under node 1, otherwise node j-1

function aNext(j: i32): bool {
  return j == 1 ? leafNext(0) : nodeNext(j - 1);
}
function aSeek(j: i32, t: f64): bool {
  return j == 1 ? leafSeek(0, t) : nodeSeek(j - 1, t);
}
function aAtT(j: i32): f64 {
  return j == 1 ? leafAtT(0) : nodeAtT(j - 1);
}
function aAtV(j: i32): f64 {
  return j == 1 ? leafAtV(0) : nodeAtV(j - 1);
}
function aAdjust(j: i32, last: f64, lastT: f64): void {
  if (j == 1) leafAdjust(0, last, lastT);
  else nodeAdjust(j - 1, last, lastT);
}

// --- pairwise nodes

function nodeAtT(j: i32): f64 {
  return load<u8>(slot(j) + 4) ? aAtT(j) : leafAtT(j);
}
function nodeAtV(j: i32): f64 {
  return load<u8>(slot(j) + 4) ? aAtV(j) : leafAtV(j);
}
function nodeAdjust(j: i32, last: f64, lastT: f64): void {
  const s = slot(j);
  if (load<u8>(s + 5)) aAdjust(j, last, lastT);
  if (load<u8>(s + 6)) leafAdjust(j, last, lastT);
}

// Seek steps with Next so that no gap of the merged series is skipped.
function nodeSeek(j: i32, t: f64): bool {
  while (true) {
    if (nodeAtT(j) >= t) return true;
    if (!nodeNext(j)) return false;
  }
  return false;
}

function nodeNext(j: i32): bool {
  const s = slot(j);
  let useA = load<u8>(s + 4) != 0;
  let aOk = load<u8>(s + 5) != 0;
  let bOk = load<u8>(s + 6) != 0;
  let lastSet = load<u8>(s + 7) != 0;
  let lastT = lastSet ? load<f64>(s + 16) : -Infinity;
  let penA = load<f64>(s + 24);
  let penB = load<f64>(s + 32);

  // The value emitted last, needed to adjust counters if this step switches replicas.
  let hadLast = false;
  let lastV: f64 = 0;
  if (useA && aOk) {
    lastV = aAtV(j);
    hadLast = true;
  } else if (!useA && bOk) {
    lastV = leafAtV(j);
    hadLast = true;
  }
  const lastUseA = useA;
  const prevT = lastT;

  if (aOk) aOk = aSeek(j, lastT + 1 + penA);
  if (bOk) bOk = leafSeek(j, lastT + 1 + penB);

  let ok = true;
  if (!aOk) {
    useA = false;
    if (bOk) {
      lastT = leafAtT(j);
      lastSet = true;
      penB = 0;
    }
    ok = bOk;
  } else if (!bOk) {
    useA = true;
    lastT = aAtT(j);
    lastSet = true;
    penA = 0;
  } else {
    const ta = aAtT(j);
    const tb = leafAtT(j);
    useA = ta <= tb;
    if (useA) {
      penB = lastSet ? 2 * (ta - lastT) : INITIAL_PENALTY;
      penA = 0;
      lastT = ta;
    } else {
      penA = lastSet ? 2 * (tb - lastT) : INITIAL_PENALTY;
      penB = 0;
      lastT = tb;
    }
    lastSet = true;
  }

  store<u8>(s + 4, <u8>useA);
  store<u8>(s + 5, <u8>aOk);
  store<u8>(s + 6, <u8>bOk);
  store<u8>(s + 7, <u8>lastSet);
  store<f64>(s + 16, lastT);
  store<f64>(s + 24, penA);
  store<f64>(s + 32, penB);

  if (hadLast && useA != lastUseA) nodeAdjust(j, lastV, prevT);
  return ok;
}

// Thanos's pairwise dedup for k replicas. `counter` != 0 selects the counter-aware variant
// (Thanos uses it when the wrapping function is rate/increase/irate/resets). `scratch` needs
// max(k * 48, 16 * total samples) bytes. With one replica the series passes through
// unchanged, as in Thanos (dedupSeriesSet.At returns a lone replica as is).
export function dedupPenalty(k: i32, desc: usize, outTs: usize, outVs: usize, counter: i32, scratch: usize): i32 {
  if (!validDesc(k, desc)) return DEDUP_ERR_ARGS;
  if (k == 1) {
    const n = descN(desc, 0);
    memory.copy(outTs, descTs(desc, 0), <usize>n << 3);
    memory.copy(outVs, descVs(desc, 0), <usize>n << 3);
    return n;
  }
  if (k == 2) {
    return penaltyPair(descTs(desc, 0), descVs(desc, 0), descN(desc, 0), descTs(desc, 1), descVs(desc, 1), descN(desc, 1), outTs, outVs, counter != 0);
  }
  if (counter == 0) return penaltyFold(k, desc, outTs, outVs, scratch);
  return penaltyTree(k, desc, outTs, outVs, scratch);
}

// Without counter adjustment the nested Thanos iterators are equivalent to folding: the
// inner iterator's output does not depend on how the outer one consumes it (its Seek only
// steps Next), so merge (0,1) into a buffer, then (buffer, 2), ... ping-ponging between the
// scratch buffer and the output so that the last pass lands in the output.
function penaltyFold(k: i32, desc: usize, outTs: usize, outVs: usize, scratch: usize): i32 {
  let total: usize = 0;
  for (let i = 0; i < k; i++) total += <usize>descN(desc, i);
  const pTs = scratch;
  const pVs = scratch + (total << 3);
  let curTs = descTs(desc, 0), curVs = descVs(desc, 0), curN = descN(desc, 0);
  for (let r = 1; r < k; r++) {
    const toOut = ((k - 1 - r) & 1) == 0;
    const dTs = toOut ? outTs : pTs;
    const dVs = toOut ? outVs : pVs;
    curN = penaltyPair(curTs, curVs, curN, descTs(desc, r), descVs(desc, r), descN(desc, r), dTs, dVs, false);
    curTs = dTs;
    curVs = dVs;
  }
  return curN;
}

function penaltyTree(k: i32, desc: usize, outTs: usize, outVs: usize, state: usize): i32 {
  gDesc = desc;
  gState = state;
  for (let i = 0; i < k; i++) {
    const s = slot(i);
    store<i32>(s, -1);
    store<u8>(s + 4, 1); // useA: Thanos starts with lastIter = a
    store<u8>(s + 5, 0);
    store<u8>(s + 6, 0);
    store<u8>(s + 7, 0);
    store<f64>(s + 8, 0);
    store<f64>(s + 16, 0);
    store<f64>(s + 24, 0);
    store<f64>(s + 32, 0);
  }
  // Construction order of the Go iterators: each node advances its a, then its b, once.
  for (let j = 1; j < k; j++) {
    const s = slot(j);
    store<u8>(s + 5, <u8>aNext(j));
    store<u8>(s + 6, <u8>leafNext(j));
  }
  const top = k - 1;
  let out = 0;
  while (nodeNext(top)) {
    store<f64>(outTs + (<usize>out << 3), nodeAtT(top));
    store<f64>(outVs + (<usize>out << 3), nodeAtV(top));
    out++;
  }
  return out;
}

// One pairwise iterator (A = replica a, B = replica b) with all state in locals: the HA-pair
// case that dominates query time, and each pass of the fold. In counter mode each replica
// carries Thanos's additive offset.
function penaltyPair(
  aTs: usize, aVs: usize, na: i32,
  bTs: usize, bVs: usize, nb: i32,
  outTs: usize, outVs: usize, counter: bool,
): i32 {
  let i = 0, j = 0, out = 0;
  let lastT = -Infinity;
  let lastSet = false;
  let penA: f64 = 0, penB: f64 = 0;
  let offA: f64 = 0, offB: f64 = 0;
  // Thanos reads "the last value" from the active replica's current sample, which before
  // the first step is A's first sample.
  let useA = true;
  let hadLast = na > 0;
  let lastV: f64 = na > 0 ? load<f64>(aVs) : 0;
  while (true) {
    const seekA = lastT + 1 + penA;
    while (i < na && load<f64>(aTs + (<usize>i << 3)) < seekA) i++;
    const seekB = lastT + 1 + penB;
    while (j < nb && load<f64>(bTs + (<usize>j << 3)) < seekB) j++;
    const aOk = i < na, bOk = j < nb;
    if (!aOk && !bOk) break;
    const lastUseA = useA;
    if (!aOk || !bOk) {
      useA = aOk;
      if (!counter) {
        // One replica left, its penalty 0 from now on: the rest of it after the seek point.
        const n = useA ? na - i : nb - j;
        const srcTs = useA ? aTs + (<usize>i << 3) : bTs + (<usize>j << 3);
        const srcVs = useA ? aVs + (<usize>i << 3) : bVs + (<usize>j << 3);
        memory.copy(outTs + (<usize>out << 3), srcTs, <usize>n << 3);
        memory.copy(outVs + (<usize>out << 3), srcVs, <usize>n << 3);
        out += strictTail(outTs, outVs, out, n);
        break;
      }
      if (useA) penA = 0;
      else penB = 0;
    } else {
      const ta = load<f64>(aTs + (<usize>i << 3));
      const tb = load<f64>(bTs + (<usize>j << 3));
      useA = ta <= tb;
      const pen = lastSet ? 2 * ((useA ? ta : tb) - lastT) : INITIAL_PENALTY;
      if (useA) {
        penB = pen;
        penA = 0;
      } else {
        penA = pen;
        penB = 0;
      }
    }
    if (counter && hadLast && useA != lastUseA) {
      // Switched replicas: both live replicas line up with the last emitted value (as
      // Thanos adjusts both), see switchOffset.
      if (aOk) offA = switchOffset(aTs, aVs, i, offA, lastV, lastT);
      if (bOk) offB = switchOffset(bTs, bVs, j, offB, lastV, lastT);
    }
    let t: f64;
    if (useA) {
      t = load<f64>(aTs + (<usize>i << 3));
      if (counter) {
        lastV = load<f64>(aVs + (<usize>i << 3)) + offA;
        store<f64>(outVs + (<usize>out << 3), lastV);
      } else {
        store<u64>(outVs + (<usize>out << 3), load<u64>(aVs + (<usize>i << 3)));
      }
      i++; // the next seek (to lastT+1, penA = 0) would skip it anyway
    } else {
      t = load<f64>(bTs + (<usize>j << 3));
      if (counter) {
        lastV = load<f64>(bVs + (<usize>j << 3)) + offB;
        store<f64>(outVs + (<usize>out << 3), lastV);
      } else {
        store<u64>(outVs + (<usize>out << 3), load<u64>(bVs + (<usize>j << 3)));
      }
      j++;
    }
    store<f64>(outTs + (<usize>out << 3), t);
    out++;
    lastT = t;
    lastSet = true;
    hadLast = true;
  }
  return out;
}

// Once one replica is exhausted, the iterator seeks the other to lastT+1 on every step:
// for a sorted tail that is a plain copy; samples not after their predecessor (duplicates,
// disorder) are skipped as the seek would. The `n` samples already sit at `at`; this
// compacts them in place and returns how many remain.
function strictTail(ts: usize, vs: usize, at: i32, n: i32): i32 {
  if (n == 0) return 0;
  let w = at + 1;
  let lastT = load<f64>(ts + (<usize>at << 3));
  for (let r = at + 1; r < at + n; r++) {
    const t = load<f64>(ts + (<usize>r << 3));
    if (t >= lastT + 1) {
      if (w != r) {
        store<f64>(ts + (<usize>w << 3), t);
        store<u64>(vs + (<usize>w << 3), load<u64>(vs + (<usize>r << 3)));
      }
      w++;
      lastT = t;
    }
  }
  return w - at;
}
