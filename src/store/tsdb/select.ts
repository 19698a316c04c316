// Series of one TSDB (local blocks + head) for a StoreAPI request: matchers on external labels
// are decided against the TSDB's external labels (and dropped), the rest select series in every
// block and in the head; one output series per label set, with its chunks from all of them
// sorted by min time, external labels added (they win over series labels of the same name).
import { compareLabels, labelsKey, type Label, type Labels, type Matcher } from "../../labels/index.ts";
import type { BlockReader } from "../../tsdb/block/index.ts";
import type { LocalTSDB } from "../../tsdb/head/index.ts";
import { ChunkEncoding } from "../../tsdb/chunks/index.ts";

export interface SelectedChunk {
  minTime: number;
  maxTime: number;
  data: Uint8Array; // XOR payload (starts with the 2-byte sample count)
}

export interface SelectedSeries {
  labels: Labels; // with external labels
  chunks: SelectedChunk[];
}

// Splits matchers into "does this TSDB match at all" (by its external labels) and the matchers
// left for its series. Returns null when an external label contradicts a matcher.
export function splitExternalMatchers(ms: readonly Matcher[], ext: Labels): Matcher[] | null {
  const rest: Matcher[] = [];
  for (const m of ms) {
    const l = ext.find((x) => x.name === m.name);
    if (l === undefined) rest.push(m);
    else if (!m.matches(l.value)) return null;
  }
  return rest;
}

export function withExternalLabels(ls: Labels, ext: Labels): Label[] {
  if (ext.length === 0) return ls as Label[];
  const out: Label[] = [];
  let i = 0;
  let j = 0;
  // Both sorted by name: a merge, the external value winning on equal names.
  while (i < ls.length || j < ext.length) {
    if (j >= ext.length || (i < ls.length && ls[i].name < ext[j].name)) out.push(ls[i++]);
    else if (i >= ls.length || ext[j].name < ls[i].name) out.push(ext[j++]);
    else {
      out.push(ext[j++]);
      i++;
    }
  }
  return out;
}

// Every series of `db` matching `ms` with data in [mint, maxt]; `withChunks` false reads no
// chunk bytes (skip_chunks, label APIs).
export async function selectTSDB(
  db: LocalTSDB,
  blocks: readonly BlockReader[],
  ext: Labels,
  ms: readonly Matcher[],
  mint: number,
  maxt: number,
  withChunks: boolean,
  signal?: AbortSignal,
): Promise<SelectedSeries[]> {
  const rest = splitExternalMatchers(ms, ext);
  if (rest === null) return [];
  const byKey = new Map<string, { labels: Labels; chunks: SelectedChunk[] }>();
  const entry = (ls: Labels) => {
    const k = labelsKey(ls);
    let e = byKey.get(k);
    if (!e) byKey.set(k, (e = { labels: ls, chunks: [] }));
    return e;
  };
  for (const b of blocks) {
    if (b.meta.maxTime <= mint || b.meta.minTime > maxt) continue; // block range is [min, max)
    for await (const s of b.select(rest, mint, maxt)) {
      signal?.throwIfAborted();
      const e = entry(s.labels);
      if (!withChunks) continue;
      const raws = await b.chunks(s.chunks.map((c) => c.ref));
      for (let i = 0; i < raws.length; i++) {
        // Only XOR chunks are written by Aeon's head; anything else is not servable as float data.
        if (raws[i].encoding !== ChunkEncoding.XOR) continue;
        e.chunks.push({ minTime: s.chunks[i].minTime, maxTime: s.chunks[i].maxTime, data: raws[i].data });
      }
    }
  }
  for (const hs of db.head.select(rest, mint, maxt)) {
    const e = entry(hs.labels);
    if (!withChunks) continue;
    for (const c of hs.chunks) e.chunks.push({ minTime: c.mint, maxTime: c.maxt, data: c.data });
  }
  const out: SelectedSeries[] = [];
  for (const e of byKey.values()) {
    if (withChunks && e.chunks.length === 0) continue;
    e.chunks.sort((a, b) => a.minTime - b.minTime);
    out.push({ labels: withExternalLabels(e.labels, ext), chunks: e.chunks });
  }
  out.sort((a, b) => compareLabels(a.labels, b.labels));
  return out;
}
