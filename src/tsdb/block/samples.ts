// Decoded samples of a block's series: the convenience path for tools (dump, verify, tests).
// Chunks are fetched per batch of series with coalesced reads and decoded by the WASM XOR
// kernel in one call per series; samples outside [mint, maxt] or under a tombstone are dropped.
import type { Label, Labels, Matcher } from "../../labels/index.ts";
import { compactSamples, decodeXorChunks } from "../../kernels/index.ts";
import { decodeAggrChunkRaw, type AggrType } from "../chunkenc/index.ts";
import { ChunkEncoding, chunkEncodingName } from "../chunks/index.ts";
import { CorruptionError, describeError } from "../errors.ts";
import { isDeleted } from "../tombstones/index.ts";
import type { BlockReader } from "./reader.ts";

export interface SeriesSamples {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
}

export interface SampleReadOptions {
  // For downsampled blocks (AggrChunk, 0xFF): which aggregate to read. Raw XOR chunks ignore it.
  aggregate?: AggrType;
  batch?: number;
}

export async function* iterSeriesSamples(
  block: BlockReader,
  matchers: readonly Matcher[],
  mint = -Infinity,
  maxt = Infinity,
  opts: SampleReadOptions = {},
): AsyncGenerator<SeriesSamples> {
  const batch = opts.batch ?? 256;
  const refs = await block.postings(matchers);
  for (let i = 0; i < refs.length; i += batch) {
    const entries = await block.seriesMany(refs.subarray(i, i + batch));
    const chunkRefs: number[] = [];
    for (const e of entries) for (const c of e.chunks) if (c.maxTime >= mint && c.minTime <= maxt) chunkRefs.push(c.ref);
    const raw = await block.chunks(chunkRefs);
    let k = 0;
    for (const e of entries) {
      const payloads: Uint8Array[] = [];
      for (const c of e.chunks) {
        if (!(c.maxTime >= mint && c.minTime <= maxt)) continue;
        payloads.push(xorPayload(block, c.ref, raw[k++], opts.aggregate));
      }
      if (payloads.length === 0) continue;
      let d;
      try {
        d = decodeXorChunks(payloads);
      } catch (err) {
        throw new CorruptionError({ block: block.ulid, file: "chunks" }, `series ${fmtLabels(e.labels)}: ${describeError(err)}`);
      }
      const deleted = block.tombstones.get(e.ref);
      // Values move as bits: a stale marker read into a JS number loses its payload on Bun.
      const n = compactSamples(d.ts, d.vs, (t) => !(t < mint || t > maxt || (deleted && isDeleted(deleted, t))));
      if (n > 0) yield { labels: e.labels, ts: d.ts.slice(0, n), vs: d.vs.slice(0, n) };
    }
  }
}

function xorPayload(block: BlockReader, ref: number, c: { encoding: number; data: Uint8Array }, aggregate?: AggrType): Uint8Array {
  if (c.encoding === ChunkEncoding.XOR) return c.data;
  const where = { block: block.ulid, file: "chunks" };
  if (c.encoding === ChunkEncoding.Aggr) {
    if (!aggregate) throw new CorruptionError(where, `chunk ${ref} is a downsampled aggregate chunk; choose an aggregate to read`);
    let parts;
    try {
      parts = decodeAggrChunkRaw(c.data);
    } catch (e) {
      throw new CorruptionError(where, `chunk ${ref}: ${describeError(e)}`);
    }
    const p = parts[aggregate];
    if (!p) throw new CorruptionError(where, `chunk ${ref}: aggregate ${aggregate} absent`);
    if (p.encoding !== ChunkEncoding.XOR) throw new CorruptionError(where, `chunk ${ref}: aggregate ${aggregate} has encoding ${chunkEncodingName(p.encoding)}`);
    return p.data;
  }
  // Histogram chunks are not decoded here (no histogram codec yet): say so instead of guessing.
  throw new CorruptionError(where, `chunk ${ref}: encoding ${chunkEncodingName(c.encoding)} is not supported for sample reads`);
}

export async function readSeriesSamples(
  block: BlockReader,
  matchers: readonly Matcher[],
  mint = -Infinity,
  maxt = Infinity,
  opts: SampleReadOptions = {},
): Promise<SeriesSamples[]> {
  const out: SeriesSamples[] = [];
  for await (const s of iterSeriesSamples(block, matchers, mint, maxt, opts)) out.push(s);
  return out;
}

function fmtLabels(ls: readonly Label[]): string {
  return "{" + ls.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(", ") + "}";
}
