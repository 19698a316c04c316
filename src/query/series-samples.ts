// Turns one StoreAPI series (its chunks, possibly from several replicas or stores, raw or
// downsampled) into one sorted sample array: chunks are split into non-overlapping groups
// (Thanos's overlap split: each group is a "replica"), decoded in bulk by the WASM kernel, and
// the groups merged — penalty dedup for HA replicas, chain merge otherwise.
import type { AggrChunk, Chunk } from "../gen/thanos/store/types_pb.ts";
import { Chunk_Encoding } from "../gen/thanos/store/types_pb.ts";
import { decodeXorChunks, mergeDedup, overlapSplit, applyCounterResets, type DedupAlgorithm } from "../kernels/index.ts";
import type { AggrChoice } from "./aggregates.ts";

export interface Samples {
  ts: Float64Array;
  vs: Float64Array;
}

export class ChunkDecodeError extends Error {}

const EMPTY: Samples = { ts: new Float64Array(0), vs: new Float64Array(0) };

function xorData(c: Chunk | undefined, what: string): Uint8Array {
  if (!c) throw new ChunkDecodeError(`downsampled chunk has no ${what} aggregate`);
  if (c.type !== Chunk_Encoding.XOR) throw new ChunkDecodeError(`unsupported chunk encoding ${Chunk_Encoding[c.type] ?? c.type} (native histograms are not supported yet)`);
  return c.data;
}

function decodeGroup(chunks: readonly AggrChunk[], choice: AggrChoice): Samples {
  const isRaw = chunks.every((c) => c.raw);
  if (isRaw) {
    const d = decodeXorChunks(chunks.map((c) => xorData(c.raw, "raw")));
    return { ts: d.ts, vs: d.vs };
  }
  // Downsampled (or mixed with raw gap-fill) data: decode chunk by chunk with the chosen aggregate.
  const parts: Samples[] = [];
  for (const c of chunks) {
    if (c.raw) {
      const d = decodeXorChunks([c.raw.data]);
      parts.push({ ts: d.ts, vs: d.vs });
      continue;
    }
    switch (choice) {
      case "avg": {
        const count = decodeXorChunks([xorData(c.count, "count")]);
        const sum = decodeXorChunks([xorData(c.sum, "sum")]);
        const n = Math.min(count.ts.length, sum.ts.length);
        const vs = new Float64Array(n);
        for (let i = 0; i < n; i++) vs[i] = sum.vs[i] / count.vs[i];
        parts.push({ ts: sum.ts.slice(0, n), vs });
        break;
      }
      default: {
        const d = decodeXorChunks([xorData(c[choice], choice)]);
        parts.push({ ts: d.ts, vs: d.vs });
      }
    }
  }
  const joined = concat(parts);
  // Counter aggregates carry Thanos's sentinel samples; fold them into a monotonic series.
  return choice === "counter" ? applyCounterResets(joined.ts, joined.vs) : joined;
}

function concat(parts: Samples[]): Samples {
  if (parts.length === 1) return parts[0];
  let n = 0;
  for (const p of parts) n += p.ts.length;
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    ts.set(p.ts, o);
    vs.set(p.vs, o);
    o += p.ts.length;
  }
  return { ts, vs };
}

function trim(s: Samples, mint: number, maxt: number): Samples {
  let lo = 0;
  let hi = s.ts.length;
  while (lo < hi && s.ts[lo] < mint) lo++;
  while (hi > lo && s.ts[hi - 1] > maxt) hi--;
  if (lo === 0 && hi === s.ts.length) return s;
  return { ts: s.ts.subarray(lo, hi), vs: s.vs.subarray(lo, hi) };
}

export interface MergeOptions {
  algorithm: DedupAlgorithm;
  counter: boolean; // counter-aware penalty dedup
  choice: AggrChoice;
  mint: number;
  maxt: number;
}

export function seriesSamples(chunks: readonly AggrChunk[], opts: MergeOptions): Samples {
  if (chunks.length === 0) return EMPTY;
  const sorted = [...chunks].sort((a, b) => (a.minTime < b.minTime ? -1 : a.minTime > b.minTime ? 1 : 0));
  const groupOf = overlapSplit(
    sorted.map((c) => Number(c.minTime)),
    sorted.map((c) => Number(c.maxTime)),
  );
  let groups = 0;
  for (const g of groupOf) groups = Math.max(groups, g + 1);
  if (groups === 1) return trim(decodeGroup(sorted, opts.choice), opts.mint, opts.maxt);
  // Deduplicate whole chunks and trim afterwards: which replica wins at a point must not depend
  // on where a query's window happens to start (Thanos dedups the full chunk range too).
  const replicas: Samples[] = [];
  for (let g = 0; g < groups; g++) replicas.push(decodeGroup(sorted.filter((_, i) => groupOf[i] === g), opts.choice));
  return trim(mergeDedup(opts.algorithm, replicas, opts.counter), opts.mint, opts.maxt);
}
