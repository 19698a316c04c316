// Downsampling of one block (Thanos pkg/compact/downsample): raw -> 5m with the WASM
// downsampleRaw kernel, 5m -> 1h with downsampleAggr. Every output chunk is an AggrChunk
// (encoding 0xFF) holding the five aggregates as XOR sub-chunks; its MinTime/MaxTime are the
// first/last window timestamps (the count aggregate), and chunks with no aggregate data are
// skipped. The new block keeps the input's time range, compaction level and sources, and
// records the resolution in thanos.downsample.
import { AGGREGATES, compactSamples, decodeXorChunks, downsampleAggr, downsampleRaw, encodeXorChunk, type DownsampledSeries } from "../kernels/index.ts";
import { decodeAggrChunkRaw, encodeAggrChunk, type AggrChunkParts } from "../tsdb/chunkenc/index.ts";
import { BlockWriter, ChunkEncoding, type BlockMeta, type BlockReader, type ChunkInput, type ThanosMeta } from "../tsdb/index.ts";
import { isDeleted } from "../tsdb/tombstones/index.ts";
import { BlockFault, SeriesCursor, type CursorSeries } from "./cursor.ts";

export interface DownsampleStats {
  series: number;
  inputSamples: number;
  outputChunks: number;
}

export async function downsampleBlock(
  input: BlockReader,
  resolution: number,
  outParent: string,
  opts: { ulid?: string; thanos: ThanosMeta },
): Promise<{ dir: string; meta: BlockMeta; stats: DownsampleStats }> {
  const m = input.meta;
  const inRes = m.thanos?.downsample.resolution ?? 0;
  if (resolution <= inRes) throw new Error(`block ${m.ulid}: cannot downsample resolution ${inRes} to ${resolution}`);
  const writer = await BlockWriter.create(outParent, {
    ulid: opts.ulid,
    minTime: m.minTime,
    maxTime: m.maxTime,
    compactionLevel: m.compaction.level,
    sources: [...m.compaction.sources],
    thanos: opts.thanos,
  });
  const stats: DownsampleStats = { series: 0, inputSamples: 0, outputChunks: 0 };
  try {
    const cursor = new SeriesCursor(input);
    for (let s = await cursor.peek(); s; cursor.advance(), s = await cursor.peek()) {
      let ds: DownsampledSeries | null;
      try {
        ds = inRes === 0 ? downsampleRawSeries(s, resolution, stats) : downsampleAggrSeries(s, inRes, resolution, stats);
      } catch (e) {
        throw e instanceof BlockFault ? e : new BlockFault(m.ulid, e);
      }
      if (!ds) continue;
      const chunks = aggrChunks(ds);
      if (chunks.length === 0) continue;
      await writer.addSeries(s.labels, chunks);
      stats.series++;
      stats.outputChunks += chunks.length;
    }
    const done = await writer.finish();
    return { ...done, stats };
  } catch (e) {
    await writer.abort();
    throw e;
  }
}

function downsampleRawSeries(s: CursorSeries, resolution: number, stats: DownsampleStats): DownsampledSeries | null {
  const payloads: Uint8Array[] = [];
  for (const r of s.raw) {
    // Native histogram chunks have no downsampling path here yet (no histogram codec); they
    // are left out of the downsampled block rather than guessed at.
    if (r.encoding !== ChunkEncoding.XOR) return null;
    payloads.push(r.data);
  }
  if (payloads.length === 0) return null;
  let { ts, vs } = decodeXorChunks(payloads);
  if (s.deleted) {
    const del = s.deleted;
    const n = compactSamples(ts, vs, (t) => !isDeleted(del, t)); // values as bits: stale markers kept on Bun
    ts = ts.slice(0, n);
    vs = vs.slice(0, n);
  }
  if (ts.length === 0) return null;
  stats.inputSamples += ts.length;
  return downsampleRaw(ts, vs, resolution);
}

// A 5m series' aggregate chunks -> the DownsampledSeries shape the 1h kernel takes.
function downsampleAggrSeries(s: CursorSeries, inRes: number, resolution: number, stats: DownsampleStats): DownsampledSeries | null {
  const parts: Record<(typeof AGGREGATES)[number], { data: Uint8Array[]; ends: number[] }> = {
    count: { data: [], ends: [] },
    sum: { data: [], ends: [] },
    min: { data: [], ends: [] },
    max: { data: [], ends: [] },
    counter: { data: [], ends: [] },
  };
  let n = 0;
  for (const r of s.raw) {
    if (r.encoding !== ChunkEncoding.Aggr) throw new Error(`series chunk of encoding ${r.encoding} in a downsampled block`);
    const p = decodeAggrChunkRaw(r.data);
    for (const a of AGGREGATES) {
      const sub = p[a];
      if (sub) {
        if (sub.encoding !== ChunkEncoding.XOR) throw new Error(`aggregate ${a} of encoding ${sub.encoding}`);
        parts[a].data.push(sub.data);
      }
      parts[a].ends.push(parts[a].data.length); // sub-chunks so far; mapped to sample indexes below
    }
    n++;
  }
  if (n === 0) return null;
  const out = { resolution: inRes, chunks: n } as DownsampledSeries;
  for (const a of AGGREGATES) {
    const d = decodeXorChunks(parts[a].data);
    // d.offsets[k] = first sample of decoded sub-chunk k (offsets[len] = total), so the end of
    // output chunk c is the offset of the first sub-chunk after it.
    const ends = Int32Array.from(parts[a].ends, (k) => d.offsets[k] ?? d.ts.length);
    out[a] = { ts: d.ts, vs: d.vs, chunkEnds: ends };
  }
  stats.inputSamples += out.count.ts.length;
  return downsampleAggr(out, resolution, { mint: s.chunks[0].minTime, maxt: s.chunks[s.chunks.length - 1].maxTime });
}

function aggrChunks(ds: DownsampledSeries): ChunkInput[] {
  const out: ChunkInput[] = [];
  for (let c = 0; c < ds.chunks; c++) {
    const parts: AggrChunkParts = {};
    let any = false;
    for (const a of AGGREGATES) {
      const s = ds[a];
      const from = c === 0 ? 0 : s.chunkEnds[c - 1];
      const to = s.chunkEnds[c];
      if (to <= from) continue;
      parts[a] = encodeXorChunk(s.ts.subarray(from, to), s.vs.subarray(from, to));
      any = true;
    }
    if (!any) continue;
    const timeSrc = ds.count.chunkEnds[c] > (c === 0 ? 0 : ds.count.chunkEnds[c - 1]) ? ds.count : ds.counter;
    const from = c === 0 ? 0 : timeSrc.chunkEnds[c - 1];
    const to = timeSrc.chunkEnds[c];
    out.push({
      encoding: ChunkEncoding.Aggr,
      data: encodeAggrChunk(parts),
      minTime: timeSrc.ts[from],
      maxTime: timeSrc.ts[to - 1],
      numSamples: ds.count.chunkEnds[c] - (c === 0 ? 0 : ds.count.chunkEnds[c - 1]),
    });
  }
  return out;
}
