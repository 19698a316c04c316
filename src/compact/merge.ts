// Merging blocks into one (horizontal and vertical compaction). The inputs' series are walked
// in label order and k-way merged by label set; the output goes to the streaming BlockWriter.
// Chunks are copied byte for byte unless they overlap another chunk of the same series (only
// possible between blocks that overlap in time, i.e. vertical compaction): such a cluster is
// decoded and merged by the WASM kernel — `chain` (Thanos's default one-to-one merge: equal
// timestamps collapse) or `penalty` (the querier's HA dedup) — and re-encoded into XOR chunks.
import { compareLabels, type Labels } from "../labels/index.ts";
import { compactSamples, decodeXorChunks, encodeXorChunk, mergeDedup, xorSampleCount, type DedupAlgorithm, type Samples } from "../kernels/index.ts";
import { decodeAggrChunkRaw } from "../tsdb/chunkenc/index.ts";
import { BlockWriter, ChunkEncoding, DEFAULT_SAMPLES_PER_CHUNK, type BlockMeta, type BlockReader, type ChunkInput, type ThanosMeta } from "../tsdb/index.ts";
import { isDeleted } from "../tsdb/tombstones/index.ts";
import { BlockFault, SeriesCursor, type CursorSeries } from "./cursor.ts";

export interface MergeOptions {
  ulid?: string;
  thanos: ThanosMeta;
  // Merge function for overlapping chunks: "chain" (one-to-one) or "penalty".
  dedup?: DedupAlgorithm;
  samplesPerChunk?: number;
}

export interface MergeStats {
  series: number;
  copiedChunks: number;
  mergedChunks: number;
  samples: number;
}

interface Piece {
  minTime: number;
  maxTime: number;
  encoding: number;
  data: Uint8Array;
  source: number; // index of the input block
  deleted?: CursorSeries["deleted"];
}

export async function mergeBlocks(inputs: readonly BlockReader[], outParent: string, opts: MergeOptions): Promise<{ dir: string; meta: BlockMeta; stats: MergeStats }> {
  const metas = inputs.map((b) => b.meta);
  const sources = [...new Set(metas.flatMap((m) => m.compaction.sources))].sort();
  const writer = await BlockWriter.create(outParent, {
    ulid: opts.ulid,
    minTime: Math.min(...metas.map((m) => m.minTime)),
    maxTime: Math.max(...metas.map((m) => m.maxTime)),
    compactionLevel: Math.max(...metas.map((m) => m.compaction.level)) + 1,
    sources,
    thanos: opts.thanos,
  });
  const stats: MergeStats = { series: 0, copiedChunks: 0, mergedChunks: 0, samples: 0 };
  try {
    const cursors = inputs.map((b) => new SeriesCursor(b));
    for (;;) {
      // The smallest label set among the cursors' current series, and who has it.
      let min: Labels | null = null;
      const heads: (CursorSeries | null)[] = [];
      for (const c of cursors) {
        const s = await c.peek();
        heads.push(s);
        if (s && (min === null || compareLabels(s.labels, min) < 0)) min = s.labels;
      }
      if (min === null) break;
      const pieces: Piece[] = [];
      heads.forEach((s, i) => {
        if (!s || compareLabels(s.labels, min!) !== 0) return;
        s.chunks.forEach((c, j) => pieces.push({ minTime: c.minTime, maxTime: c.maxTime, encoding: s.raw[j].encoding, data: s.raw[j].data, source: i, deleted: s.deleted }));
        cursors[i].advance();
      });
      const out = mergePieces(pieces, inputs, opts, stats);
      if (out.length === 0) continue; // everything under tombstones
      await writer.addSeries(min, out);
      stats.series++;
    }
    const done = await writer.finish();
    return { ...done, stats };
  } catch (e) {
    await writer.abort();
    throw e;
  }
}

function mergePieces(pieces: Piece[], inputs: readonly BlockReader[], opts: MergeOptions, stats: MergeStats): ChunkInput[] {
  pieces.sort((a, b) => a.minTime - b.minTime || a.source - b.source);
  const out: ChunkInput[] = [];
  for (let i = 0; i < pieces.length; ) {
    // A cluster: pieces that overlap transitively.
    let end = pieces[i].maxTime;
    let j = i + 1;
    while (j < pieces.length && pieces[j].minTime <= end) end = Math.max(end, pieces[j++].maxTime);
    const cluster = pieces.slice(i, j);
    i = j;
    if (cluster.length === 1 && !cluster[0].deleted) {
      const p = cluster[0];
      const n = chunkSamples(p, inputs);
      out.push({ encoding: p.encoding, data: p.data, minTime: p.minTime, maxTime: p.maxTime, numSamples: n });
      stats.copiedChunks++;
      stats.samples += n;
      continue;
    }
    for (const c of reencode(cluster, inputs, opts)) {
      out.push(c);
      stats.mergedChunks++;
      stats.samples += c.numSamples ?? 0;
    }
  }
  return out;
}

function chunkSamples(p: Piece, inputs: readonly BlockReader[]): number {
  try {
    if (p.encoding === ChunkEncoding.XOR) return xorSampleCount(p.data);
    if (p.encoding === ChunkEncoding.Aggr) {
      const count = decodeAggrChunkRaw(p.data).count;
      return count ? xorSampleCount(count.data) : 0;
    }
  } catch (e) {
    throw new BlockFault(inputs[p.source].ulid, e);
  }
  return 0;
}

// Decodes a cluster (per input block), drops samples under tombstones, merges across blocks and
// cuts the result into XOR chunks.
function reencode(cluster: Piece[], inputs: readonly BlockReader[], opts: MergeOptions): ChunkInput[] {
  const perSource = new Map<number, Piece[]>();
  for (const p of cluster) {
    if (p.encoding !== ChunkEncoding.XOR) {
      // Overlapping downsampled chunks are never merged (the planner marks such blocks
      // no-compact, reason downsample-vertical-compaction, as Thanos does).
      throw new Error(`cannot merge overlapping chunks of encoding ${p.encoding} (block ${inputs[p.source].ulid})`);
    }
    const l = perSource.get(p.source) ?? [];
    l.push(p);
    perSource.set(p.source, l);
  }
  const series: Samples[] = [];
  for (const [src, ps] of [...perSource].sort(([a], [b]) => a - b)) {
    let d;
    try {
      d = decodeXorChunks(ps.map((p) => p.data));
    } catch (e) {
      throw new BlockFault(inputs[src].ulid, e);
    }
    const del = ps[0].deleted;
    if (!del) {
      series.push({ ts: d.ts, vs: d.vs });
      continue;
    }
    const n = compactSamples(d.ts, d.vs, (t) => !isDeleted(del, t)); // values as bits: stale markers kept on Bun
    series.push({ ts: d.ts.slice(0, n), vs: d.vs.slice(0, n) });
  }
  const merged = series.length === 1 ? series[0] : mergeDedup(opts.dedup ?? "chain", series);
  const per = opts.samplesPerChunk ?? DEFAULT_SAMPLES_PER_CHUNK;
  const out: ChunkInput[] = [];
  for (let s = 0; s < merged.ts.length; s += per) {
    const e = Math.min(merged.ts.length, s + per);
    out.push({
      encoding: ChunkEncoding.XOR,
      data: encodeXorChunk(merged.ts.subarray(s, e), merged.vs.subarray(s, e)),
      minTime: merged.ts[s],
      maxTime: merged.ts[e - 1],
      numSamples: e - s,
    });
  }
  return out;
}
