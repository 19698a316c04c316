// Typed wrappers for the merge-dedup kernels (assembly/dedup.ts). Two levels:
//  - array level: `mergeChain(inputs)`, `dedupPenalty(replicas, { counter })` copy the series
//    into the arena, run one kernel call and copy the result out;
//  - arena level: `mergeDedupInArena(...)` for pipelines whose series already sit in linear
//    memory (e.g. decoded chunks), so nothing is copied.
// The querier picks the algorithm (thanos-facts §4): "penalty" for HA pairs (default),
// "chain" for Receive replication / the compactor's one-to-one dedup; `counter` when the
// wrapping PromQL function is rate/increase/irate/resets.
import { getF64, putF64, putU32 } from "./arena-copy.ts";
import type { Samples } from "./dedup-ref.ts";
import { kernels, type KernelInstance } from "./instance.ts";

export type { Samples } from "./dedup-ref.ts";
export type DedupAlgorithm = "chain" | "penalty";

// A series whose arrays live in the arena: pointers to n timestamps and n values.
export interface ArenaSeries {
  tsPtr: number;
  vsPtr: number;
  n: number;
}

type MergeChainFn = (k: number, desc: number, outTs: number, outVs: number, cursor: number) => number;
type DedupPenaltyFn = (k: number, desc: number, outTs: number, outVs: number, counter: number, state: number) => number;

const PENALTY_STATE_BYTES = 48; // per replica, see assembly/dedup.ts

export class DedupKernelError extends Error {
  constructor(readonly code: number) {
    super(`dedup kernel failed with code ${code}`);
  }
}

// Runs one kernel call over series already in the arena. Output arrays are reserved in the
// arena (room for the sum of the inputs); the caller releases them with k.release(mark).
export function mergeDedupInArena(
  k: KernelInstance,
  algorithm: DedupAlgorithm,
  inputs: readonly ArenaSeries[],
  counter = false,
): ArenaSeries {
  let total = 0;
  const descValues: number[] = [];
  for (const s of inputs) {
    total += s.n;
    descValues.push(s.tsPtr, s.vsPtr, s.n);
  }
  if (inputs.length === 0) return { tsPtr: 0, vsPtr: 0, n: 0 };
  const desc = putU32(k, descValues);
  const outTs = k.reserve(total * 8);
  const outVs = k.reserve(total * 8);
  // Penalty needs per-replica iterator state (counter mode) or a fold buffer (plain).
  const scratch = k.reserve(Math.max(inputs.length * PENALTY_STATE_BYTES, total * 16));
  const n =
    algorithm === "chain"
      ? k.fn<MergeChainFn>("mergeChain")(inputs.length, desc, outTs, outVs, scratch)
      : k.fn<DedupPenaltyFn>("dedupPenalty")(inputs.length, desc, outTs, outVs, counter ? 1 : 0, scratch);
  if (n < 0) throw new DedupKernelError(n);
  return { tsPtr: outTs, vsPtr: outVs, n };
}

function run(algorithm: DedupAlgorithm, inputs: readonly Samples[], counter: boolean): Samples {
  const k = kernels();
  const mark = k.mark();
  try {
    const placed = inputs.map((s) => {
      if (s.ts.length !== s.vs.length) throw new RangeError("timestamps and values differ in length");
      return { tsPtr: putF64(k, s.ts), vsPtr: putF64(k, s.vs), n: s.ts.length };
    });
    const r = mergeDedupInArena(k, algorithm, placed, counter);
    return { ts: getF64(k, r.tsPtr, r.n), vs: getF64(k, r.vsPtr, r.n) };
  } finally {
    k.release(mark);
  }
}

// k-way merge; equal timestamps collapse to the first input's sample (Prometheus
// ChainedSeriesMerge, Thanos `chain`).
export function mergeChain(inputs: readonly Samples[]): Samples {
  return run("chain", inputs, false);
}

// Thanos penalty dedup of HA replicas; `counter` turns on the counter-reset-safe offsets.
export function dedupPenalty(replicas: readonly Samples[], opts: { counter?: boolean } = {}): Samples {
  return run("penalty", replicas, opts.counter ?? false);
}

export function mergeDedup(algorithm: DedupAlgorithm, replicas: readonly Samples[], counter = false): Samples {
  return run(algorithm, replicas, counter);
}

// Thanos NewOverlapSplit: a series whose chunks overlap in time is split into "fake
// replicas" before dedup. Chunks come sorted by MinTime; each goes to the first group whose
// last chunk ends before it starts, else opens a new group. Returns the group of each chunk.
// Chunk-level (no samples), so it stays in TS; the querier uses it before calling dedup.
export function overlapSplit(minTimes: ArrayLike<number>, maxTimes: ArrayLike<number>): Int32Array {
  const groups = new Int32Array(minTimes.length);
  const groupEnd: number[] = [];
  for (let i = 0; i < minTimes.length; i++) {
    let g = 0;
    while (g < groupEnd.length && !(groupEnd[g]! < minTimes[i]!)) g++;
    if (g === groupEnd.length) groupEnd.push(maxTimes[i]!);
    else groupEnd[g] = maxTimes[i]!;
    groups[i] = g;
  }
  return groups;
}
