// A block's index as the store queries it: the range-reading IndexReader (TOC, sampled symbol
// table and sampled postings offset table in memory; everything else fetched by range) with the
// index cache in front of postings lists and series entries.
import type { Matcher } from "../../labels/index.ts";
import { IndexReader, postingsForMatchers, unionPostings, type PostingsIndex, type SeriesEntry } from "../../tsdb/index/index.ts";
import type { PostingsRange } from "../../tsdb/index/index.ts";
import { postingsKeyString, type IndexCache, type PostingsKey } from "./cache.ts";
import { decodePostings, decodeSeriesEntry, encodePostings, encodeSeriesEntry } from "./series-codec.ts";

// Series entries are read in groups of this many refs, so a huge selection is never decoded at
// once (and limits can stop the work early). It also bounds memory when the symbol table is paged:
// the reader keeps every 32-symbol page a batch touches until the next batch (a series with
// unique label values touches a page per such label), so 512 refs keep at most a few thousand
// pages alive per block.
export const SERIES_BATCH = 512;
const LABEL_VALUES_GROUP = 1024;

export class CachedIndex implements PostingsIndex {
  constructor(
    readonly block: string,
    readonly reader: IndexReader,
    private readonly cache: IndexCache,
  ) {}

  async allPostings(): Promise<Uint32Array> {
    const ranges = await this.reader.labelValuesWithRanges("");
    return this.postingsForRanges("", ranges.filter((r) => r.value === ""));
  }

  async postingsFor(name: string, values: readonly string[]): Promise<Uint32Array> {
    if (values.length === 0) return new Uint32Array(0);
    const keys = values.map((value) => ({ name, value }));
    const hits = await this.cache.fetchPostings(this.block, keys);
    const lists: Uint32Array[] = [];
    const missing: string[] = [];
    for (const k of keys) {
      const h = hits.get(postingsKeyString(k));
      if (h) lists.push(decodePostings(h));
      else missing.push(k.value);
    }
    if (missing.length > 0) {
      // Reads only the slices of the sampled offset table that can hold the values.
      const ranges = await this.reader.postingsRanges(name, missing);
      lists.push(await this.fetchRanges(name, ranges));
    }
    return unionPostings(lists);
  }

  async postingsWhere(name: string, pred: (v: string) => boolean): Promise<Uint32Array> {
    return this.postingsForRanges(name, await this.reader.postingsRangesWhere(name, pred));
  }

  async postings(matchers: readonly Matcher[]): Promise<Uint32Array> {
    return postingsForMatchers(this, matchers);
  }

  // Label values of `name`, restricted to series selected by `selected` when given. With a
  // selection, the values' postings lists are read in groups (not all at once, and not through
  // the cache: a label's every list would flush it) and checked for overlap.
  async labelValues(name: string, selected?: Uint32Array): Promise<string[]> {
    const ranges = await this.reader.labelValuesWithRanges(name);
    if (!selected) return ranges.map((r) => r.value);
    if (selected.length === 0) return [];
    const out: string[] = [];
    for (let i = 0; i < ranges.length; i += LABEL_VALUES_GROUP) {
      const group = ranges.slice(i, i + LABEL_VALUES_GROUP);
      const lists = await this.reader.readPostingsRanges(group);
      for (let k = 0; k < group.length; k++) if (intersects(lists[k], selected)) out.push(group[k].value);
    }
    return out;
  }

  // Series entries for refs (ascending), cached ones from the cache, the rest by range reads.
  async series(refs: ArrayLike<number>): Promise<SeriesEntry[]> {
    const arr = Array.from(refs);
    const hits = await this.cache.fetchSeries(this.block, arr);
    const missing = arr.filter((r) => !hits.has(r));
    const fetched = new Map<number, SeriesEntry>();
    if (missing.length > 0) {
      for (const s of await this.reader.seriesMany(missing)) {
        fetched.set(s.ref, s);
        this.cache.storeSeries(this.block, s.ref, encodeSeriesEntry(s));
      }
      // A paged symbol table keeps the pages this batch loaded until its next load, which first
      // trims to its cap; an empty load trims now, so idle blocks hold only the capped cache.
      await this.reader.symbols.load([]);
    }
    return arr.map((r) => {
      const h = hits.get(r);
      return h ? decodeSeriesEntry(r, h) : fetched.get(r)!;
    });
  }

  private async postingsForRanges(name: string, ranges: PostingsRange[]): Promise<Uint32Array> {
    if (ranges.length === 0) return new Uint32Array(0);
    const keys: PostingsKey[] = ranges.map((r) => ({ name, value: r.value }));
    const hits = await this.cache.fetchPostings(this.block, keys);
    const lists: Uint32Array[] = [];
    const missing: PostingsRange[] = [];
    for (let i = 0; i < ranges.length; i++) {
      const h = hits.get(postingsKeyString(keys[i]));
      if (h) lists.push(decodePostings(h));
      else missing.push(ranges[i]);
    }
    if (missing.length > 0) lists.push(await this.fetchRanges(name, missing));
    return lists.length === 1 ? lists[0] : unionPostings(lists);
  }

  private async fetchRanges(name: string, ranges: PostingsRange[]): Promise<Uint32Array> {
    if (ranges.length === 0) return new Uint32Array(0);
    const lists = await this.reader.readPostingsRanges(ranges);
    for (let i = 0; i < ranges.length; i++) this.cache.storePostings(this.block, { name, value: ranges[i].value }, encodePostings(lists[i]));
    return unionPostings(lists);
  }
}

function intersects(a: Uint32Array, b: Uint32Array): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) return true;
    if (a[i] < b[j]) i++;
    else j++;
  }
  return false;
}
