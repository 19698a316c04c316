// Checks one block end to end and reports every problem found (not just the first): meta.json
// vs contents, index sortedness, chunk metas, chunk refs and CRCs, chunk samples vs their metas,
// postings vs series. The building block of `aeon tools bucket verify`.
import { compareLabels, compareStrings, type Labels } from "../../labels/index.ts";
import { xorDecode } from "../../kernels/index.ts";
import { ChunkEncoding } from "../chunks/index.ts";
import { CorruptionError, describeError } from "../errors.ts";
import type { SeriesEntry } from "../index/index.ts";
import { intersectPostings } from "../index/index.ts";
import type { BlockReader } from "./reader.ts";

export interface VerifyProblem {
  block: string;
  file: string;
  message: string;
}

export interface VerifyOptions {
  // Read and CRC-check every chunk, and decode XOR chunks against their metas (default true).
  chunks?: boolean;
  batch?: number;
  // Stop collecting after this many problems (default 100).
  maxProblems?: number;
}

export async function verifyBlock(b: BlockReader, opts: VerifyOptions = {}): Promise<VerifyProblem[]> {
  const problems: VerifyProblem[] = [];
  const max = opts.maxProblems ?? 100;
  const id = b.ulid;
  const add = (file: string, message: string) => {
    if (problems.length < max) problems.push({ block: id, file, message });
  };
  const addErr = (fallbackFile: string, e: unknown) => {
    if (e instanceof CorruptionError) add(e.file, e.detail);
    else add(fallbackFile, describeError(e));
  };
  const batch = opts.batch ?? 512;
  let all: Uint32Array;
  try {
    all = await b.index.allPostings();
  } catch (e) {
    addErr("index", e);
    return problems;
  }
  let prev: Labels | null = null;
  let numChunks = 0;
  let numSamples = 0;
  let pairs = 0;
  let nonXor = 0;
  const { minTime, maxTime } = b.meta;
  for (let i = 0; i < all.length && problems.length < max; i += batch) {
    const refs = all.subarray(i, i + batch);
    let entries: (SeriesEntry | null)[];
    try {
      entries = await b.seriesMany(refs);
    } catch {
      // Find the damaged entries one by one; the rest are still checked.
      entries = [];
      for (const r of refs) {
        try {
          entries.push(await b.series(r));
        } catch (e) {
          addErr("index", e);
          entries.push(null);
        }
      }
    }
    const chunkRefs: number[] = [];
    const chunkOwner: { e: SeriesEntry; k: number }[] = [];
    for (const e of entries) {
      if (!e) continue;
      const where = `series ${fmt(e.labels)} (ref ${e.ref})`;
      pairs += e.labels.length;
      if (prev && compareLabels(prev, e.labels) >= 0) add("index", `${where} not sorted after ${fmt(prev)}`);
      prev = e.labels;
      for (let k = 1; k < e.labels.length; k++) {
        if (compareStrings(e.labels[k - 1].name, e.labels[k].name) >= 0) add("index", `${where}: label names not sorted or duplicated`);
      }
      if (e.labels.some((l) => l.value === "")) add("index", `${where}: empty label value`);
      e.chunks.forEach((c, k) => {
        if (c.maxTime < c.minTime) add("index", `${where}: chunk ${k} maxTime ${c.maxTime} < minTime ${c.minTime}`);
        if (k > 0 && c.minTime <= e.chunks[k - 1].maxTime) add("index", `${where}: chunk ${k} overlaps the previous chunk`);
        if (c.minTime < minTime || c.maxTime >= maxTime) {
          add("index", `${where}: chunk ${k} [${c.minTime}, ${c.maxTime}] outside the block range [${minTime}, ${maxTime})`);
        }
        chunkRefs.push(c.ref);
        chunkOwner.push({ e, k });
      });
      numChunks += e.chunks.length;
    }
    if (opts.chunks === false) continue;
    const check = (j: number, c: { encoding: number; data: Uint8Array }) => {
      const { e, k } = chunkOwner[j];
      const meta = e.chunks[k];
      if (c.encoding !== ChunkEncoding.XOR) {
        nonXor++;
        return;
      }
      try {
        const d = xorDecode(c.data);
        numSamples += d.ts.length;
        if (d.ts.length === 0) add("chunks", `series ${fmt(e.labels)}: chunk ${k} (ref ${meta.ref}) has no samples`);
        else if (d.ts[0] !== meta.minTime || d.ts[d.ts.length - 1] !== meta.maxTime) {
          add("chunks", `series ${fmt(e.labels)}: chunk ${k} (ref ${meta.ref}) holds [${d.ts[0]}, ${d.ts[d.ts.length - 1]}] but the index says [${meta.minTime}, ${meta.maxTime}]`);
        }
      } catch (err) {
        add("chunks", `series ${fmt(e.labels)}: chunk ${k} (ref ${meta.ref}): ${describeError(err)}`);
      }
    };
    try {
      (await b.chunks(chunkRefs)).forEach((c, j) => check(j, c));
    } catch {
      for (let j = 0; j < chunkRefs.length; j++) {
        try {
          check(j, await b.chunk(chunkRefs[j]));
        } catch (err) {
          addErr("chunks", err);
        }
      }
    }
  }

  // Postings: every list is sorted (checked on read) and only names existing series; their
  // total equals the number of label pairs.
  let postingsTotal = 0;
  for (const name of b.labelNames()) {
    if (problems.length >= max) break;
    try {
      const ranges = await b.index.labelValuesWithRanges(name);
      const lists = await b.index.readPostingsRanges(ranges);
      lists.forEach((l, i) => {
        postingsTotal += l.length;
        if (intersectPostings(l, all).length !== l.length) add("index", `postings of ${name}=${JSON.stringify(ranges[i].value)} name series that do not exist`);
      });
    } catch (e) {
      addErr("index", e);
    }
  }
  if (problems.length === 0 && postingsTotal !== pairs) add("index", `postings hold ${postingsTotal} label pairs but the series hold ${pairs}`);

  const st = b.meta.stats;
  if (problems.length === 0) {
    if (st.numSeries !== undefined && st.numSeries !== all.length) add("meta.json", `stats.numSeries ${st.numSeries} but the index has ${all.length} series`);
    if (st.numChunks !== undefined && st.numChunks !== numChunks) add("meta.json", `stats.numChunks ${st.numChunks} but the index has ${numChunks} chunks`);
    const allXor = opts.chunks !== false && nonXor === 0;
    if (allXor && st.numSamples !== undefined && numSamples > 0 && st.numSamples !== numSamples) {
      add("meta.json", `stats.numSamples ${st.numSamples} but the chunks hold ${numSamples} samples`);
    }
  }
  return problems;
}

function fmt(ls: Labels): string {
  return "{" + ls.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(", ") + "}";
}
