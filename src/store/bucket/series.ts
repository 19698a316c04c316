// Series selection across blocks: per block, matchers -> postings -> series entries (labels +
// chunk metas, in batches) -> chunks overlapping [min_time, max_time]; external labels added
// (they win), replica labels stripped, each block's list sorted; then a k-way merge by label set
// (identical sets from several blocks become one series) that fetches chunk bytes lazily, a
// window of series at a time, with merged range reads per block.
import type { SeriesResponse } from "../../gen/thanos/store/rpc_pb.ts";
import type { AggrChunk, Label as ProtoLabel, Series } from "../../gen/thanos/store/types_pb.ts";
import { compareLabels, withExternalLabels, type Label, type Matcher } from "../../labels/index.ts";
import type { AggrType } from "../../tsdb/chunkenc/index.ts";
import type { ChunkMeta } from "../../tsdb/index/index.ts";
import { CorruptionError } from "../../tsdb/errors.ts";
import { throwIfAborted } from "../errors.ts";
import type { BucketBlock } from "./block.ts";
import { SERIES_BATCH } from "./cached-index.ts";
import type { ChunkFetchStats } from "./chunk-fetch.ts";
import { fillChunkHashes } from "../chunk-hash.ts";
import { toAggrChunk } from "./convert.ts";
import type { RequestLimiter } from "./limits.ts";
import { matchersForBlock } from "./select.ts";
import type { LabelInterner } from "./intern.ts";

export interface SeriesQuery {
  mint: number;
  maxt: number;
  matchers: Matcher[];
  skipChunks: boolean;
  withoutReplicaLabels: Set<string>;
  aggregates: AggrType[];
  limit: number; // 0 = none
  signal?: AbortSignal;
  // A block found corrupted mid-query: reported (once) by the store, which stops serving it;
  // this query drops that block's chunks and sends a warning frame.
  onCorrupt?: (block: BucketBlock, err: CorruptionError) => void;
  warnings: string[];
  // Shared by every block of the request (see intern.ts).
  interner?: LabelInterner;
  // Blocks whose index this request holds (acquired by selectBlockSeries); the store releases
  // them when the response is done, so a lazily loaded index is not unloaded mid-request.
  held: HeldIndexes;
}

// The index leases of one request. Once released, a late acquire (a block worker still running
// after the request failed) is given back at once.
export class HeldIndexes {
  private readonly blocks: BucketBlock[] = [];
  private done = false;

  add(b: BucketBlock): void {
    if (this.done) b.releaseIndex();
    else this.blocks.push(b);
  }

  releaseAll(): void {
    this.done = true;
    for (const b of this.blocks.splice(0)) b.releaseIndex();
  }
}

interface Selected {
  labels: Label[];
  chunks: ChunkMeta[];
}

interface BlockSeries {
  block: BucketBlock;
  series: Selected[];
}

// Selects one block's series (no chunk bytes yet). Limits are charged as series are found.
export async function selectBlockSeries(block: BucketBlock, q: SeriesQuery, limiter: RequestLimiter): Promise<BlockSeries> {
  const ms = matchersForBlock(q.matchers, block.extLabels);
  if (!ms) return { block, series: [] };
  const index = await block.acquireIndex();
  q.held.add(block);
  const postings = await index.postings(ms);
  const out: Selected[] = [];
  const needResort = block.extLabels.length > 0 || q.withoutReplicaLabels.size > 0;
  for (let i = 0; i < postings.length; i += SERIES_BATCH) {
    throwIfAborted(q.signal);
    const entries = await index.series(postings.subarray(i, i + SERIES_BATCH));
    let nChunks = 0;
    let nSeries = 0;
    for (const e of entries) {
      // The usual case (every chunk in range) keeps the entry's own array.
      const chunks = e.chunks.every((c) => c.maxTime >= q.mint && c.minTime <= q.maxt) ? e.chunks : e.chunks.filter((c) => c.maxTime >= q.mint && c.minTime <= q.maxt);
      if (chunks.length === 0) continue;
      const labels = needResort ? withExternalLabels(e.labels, block.extLabels, q.withoutReplicaLabels) : (e.labels as Label[]);
      out.push({ labels: q.interner ? q.interner.intern(labels) : labels, chunks });
      nSeries++;
      nChunks += chunks.length;
    }
    limiter.addSeries(nSeries);
    if (!q.skipChunks) limiter.addChunks(nChunks);
  }
  // Index order is label order; adding external labels or dropping replica labels can change it.
  if (needResort) out.sort((a, b) => compareLabels(a.labels, b.labels));
  return { block, series: out };
}

interface MergedSeries {
  labels: Label[];
  parts: { block: BucketBlock; chunks: ChunkMeta[] }[];
}

// K-way merge of sorted per-block lists; equal label sets are joined.
export function* mergeBlockSeries(lists: BlockSeries[]): Generator<MergedSeries> {
  const pos = lists.map(() => 0);
  const heap: number[] = [];
  const less = (a: number, b: number) => {
    const c = compareLabels(lists[a].series[pos[a]].labels, lists[b].series[pos[b]].labels);
    return c < 0 || (c === 0 && a < b);
  };
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let i = 0; i < lists.length; i++) if (lists[i].series.length > 0) (heap.push(i), up(heap.length - 1));
  let cur: MergedSeries | null = null;
  while (heap.length > 0) {
    const i = heap[0];
    const s = lists[i].series[pos[i]++];
    if (pos[i] < lists[i].series.length) down(0);
    else {
      heap[0] = heap[heap.length - 1];
      heap.pop();
      if (heap.length > 0) down(0);
    }
    if (cur && compareLabels(cur.labels, s.labels) === 0) cur.parts.push({ block: lists[i].block, chunks: s.chunks });
    else {
      if (cur) yield cur;
      cur = { labels: s.labels, parts: [{ block: lists[i].block, chunks: s.chunks }] };
    }
  }
  if (cur) yield cur;
}

// Series frames for merged series, fetching chunk bytes `window` series at a time. The next
// window's chunk reads are started before the current window's frames are handed out, so bucket
// I/O overlaps the caller's encoding and sending instead of alternating with it.
export async function* streamSeries(merged: Iterable<MergedSeries>, q: SeriesQuery, stats: ChunkFetchStats, window = 256): AsyncGenerator<SeriesResponse> {
  const it = merged[Symbol.iterator]();
  let sent = 0;
  const nextBatch = (): MergedSeries[] => {
    const batch: MergedSeries[] = [];
    while (batch.length < window && !(q.limit > 0 && sent >= q.limit)) {
      const r = it.next();
      if (r.done) break;
      batch.push(r.value);
      sent++;
    }
    return batch;
  };
  const fetch = (batch: MergedSeries[]): Promise<AggrChunk[][] | null> => {
    if (batch.length === 0 || q.skipChunks) return Promise.resolve(null);
    throwIfAborted(q.signal);
    const p = fetchWindow(batch, q, stats);
    p.catch(() => {}); // awaited below; this only keeps an early-abandoned prefetch from being "unhandled"
    return p;
  };
  let batch = nextBatch();
  let pending = fetch(batch);
  while (batch.length > 0) {
    throwIfAborted(q.signal);
    const chunks = await pending;
    const cur = batch;
    batch = nextBatch();
    pending = fetch(batch);
    for (let i = 0; i < cur.length; i++) {
      const s = cur[i];
      if (chunks && chunks[i].length === 0) continue; // every chunk came from a corrupted block
      // Literals of exactly create()'s shape (see convert.ts): create() is costly per message.
      const labels: ProtoLabel[] = new Array(s.labels.length);
      for (let j = 0; j < labels.length; j++) labels[j] = { $typeName: "thanos.Label", name: s.labels[j].name, value: s.labels[j].value };
      const series: Series = { $typeName: "thanos.Series", labels, chunks: chunks ? chunks[i] : [] };
      yield { $typeName: "thanos.SeriesResponse", result: { case: "series", value: series } };
    }
  }
  for (const w of q.warnings) yield { $typeName: "thanos.SeriesResponse", result: { case: "warning", value: w } };
}

async function fetchWindow(batch: MergedSeries[], q: SeriesQuery, stats: ChunkFetchStats): Promise<AggrChunk[][]> {
  // Collect refs per block, fetch each block's chunks with merged reads, in parallel.
  // Per block: chunk refs and, in parallel arrays, where each result goes (series, slot).
  const perBlock = new Map<BucketBlock, { refs: number[]; si: number[]; k: number[] }>();
  const out: AggrChunk[][] = batch.map((s) => new Array(s.parts.reduce((n, p) => n + p.chunks.length, 0)));
  const metas: ChunkMeta[][] = batch.map(() => []);
  batch.forEach((s, si) => {
    let k = 0;
    for (const p of s.parts) {
      let e = perBlock.get(p.block);
      if (!e) perBlock.set(p.block, (e = { refs: [], si: [], k: [] }));
      for (const c of p.chunks) {
        e.refs.push(c.ref);
        e.si.push(si);
        e.k.push(k);
        metas[si][k] = c;
        k++;
      }
    }
  });
  await Promise.all(
    [...perBlock].map(async ([block, e]) => {
      let raws;
      try {
        raws = await block.chunks(e.refs, stats);
      } catch (err) {
        if (!(err instanceof CorruptionError) || !q.onCorrupt) throw err;
        q.onCorrupt(block, err);
        q.warnings.push(`block ${block.id} skipped: ${err.message}`);
        return;
      }
      const made: AggrChunk[] = new Array(raws.length);
      for (let j = 0; j < raws.length; j++) {
        const si = e.si[j];
        const k = e.k[j];
        made[j] = out[si][k] = toAggrChunk(metas[si][k], raws[j], q.aggregates, block.id);
      }
      // All of this block's chunks in the window, hashed in one kernel call.
      fillChunkHashes(made);
    }),
  );
  // Chunks of one series sorted by min_time (blocks may interleave); exact duplicates (same
  // range and bytes, e.g. overlapping replica blocks with replica labels stripped) sent once.
  return out.map((all) => {
    if (inOrderAndDistinct(all)) return all; // the usual case: one block, or blocks in time order
    const cs = all.filter((c) => c !== undefined);
    cs.sort((a, b) => (a.minTime < b.minTime ? -1 : a.minTime > b.minTime ? 1 : a.maxTime < b.maxTime ? -1 : a.maxTime > b.maxTime ? 1 : 0));
    return cs.filter((c, i) => i === 0 || !sameChunk(cs[i - 1], c));
  });
}

// True when no chunk is missing and min_time strictly increases (so nothing to sort or dedup).
function inOrderAndDistinct(cs: (AggrChunk | undefined)[]): boolean {
  let prev: bigint | undefined;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i];
    if (c === undefined || (prev !== undefined && c.minTime <= prev)) return false;
    prev = c.minTime;
  }
  return true;
}

function sameChunk(a: AggrChunk, b: AggrChunk): boolean {
  if (a.minTime !== b.minTime || a.maxTime !== b.maxTime) return false;
  const ha = a.raw?.hash ?? a.count?.hash ?? a.sum?.hash;
  const hb = b.raw?.hash ?? b.count?.hash ?? b.sum?.hash;
  return ha !== undefined && ha === hb;
}
