// Index file reader (format v2, and v3 which Prometheus reads the same way) that works only
// through range reads of a ByteSource. Opening reads the header, the TOC, and streams the
// symbol table and postings offset table once each (verifying CRCs, keeping samples); after
// that, postings lists and series entries are fetched by range as queries need them. Nothing
// proportional to the number of series stays in memory.
import { runLimited, type ByteSource } from "../bytesource/index.ts";
import { Decbuf, DecodeError, crc32c, readBE32, readBE64 } from "../encoding/index.ts";
import { CorruptionError, type CorruptionWhere } from "../errors.ts";
import type { Label, Matcher } from "../../labels/index.ts";
import {
  type ChunkMeta,
  INDEX_FORMAT_V2,
  INDEX_FORMAT_V3,
  INDEX_HEADER_LEN,
  INDEX_MAGIC,
  SERIES_ALIGN,
  type SeriesEntry,
  type TOC,
  TOC_LEN,
} from "./format.ts";
import { EMPTY_POSTINGS, intersectPostings, unionPostings } from "./postings.ts";
import { PostingsTable, type PostingsRange } from "./postings-table.ts";
import { SymbolTable, type SymbolTableOptions } from "./symbols.ts";
import { postingsForMatchers, type PostingsIndex } from "./matchers.ts";

export interface IndexReaderOptions extends SymbolTableOptions {
  block?: string;
  file?: string;
  // Where to read the symbol table and postings offset table from instead of the index itself:
  // a local copy of both (the store gateway's index-header file), at the given offsets.
  sections?: IndexSections;
  // Keep every n-th postings offset table entry per label name in memory (default 32, as
  // Prometheus; Thanos's --store.index-header-posting-offsets-in-mem-sampling). The symbol
  // table's sampling stays 32.
  postingOffsetsSampling?: number;
}

export interface IndexSections {
  src: ByteSource;
  symbols: number;
  postingsTable: number;
  file: string; // named in corruption errors
}

// Speculative size of one series entry read (most are well under this).
const SERIES_GUESS = 512;
const SERIES_MAX_GAP = 8 * 1024;
const SERIES_MAX_RANGE = 4 << 20;
const POSTINGS_MAX_GAP = 16 * 1024;

export class IndexReader implements PostingsIndex {
  readonly toc: TOC;
  readonly version: number;
  private readonly seriesEnd: number;

  private constructor(
    private readonly src: ByteSource,
    private readonly where: CorruptionWhere,
    toc: TOC,
    version: number,
    readonly symbols: SymbolTable,
    private readonly table: PostingsTable,
    private readonly sectionsSrc?: ByteSource,
  ) {
    this.toc = toc;
    this.version = version;
    this.seriesEnd = nextSectionAfter(toc, toc.series, src.size - TOC_LEN);
  }

  static async open(src: ByteSource, opts: IndexReaderOptions = {}): Promise<IndexReader> {
    const where: CorruptionWhere = { block: opts.block, file: opts.file ?? "index" };
    const { toc, version } = await readIndexTOC(src, where);
    // With an index-header, the two tables come from it (same bytes, at its offsets).
    const sec = opts.sections;
    const tablesWhere: CorruptionWhere = sec ? { block: opts.block, file: sec.file } : where;
    const symbols = await SymbolTable.open(sec?.src ?? src, sec?.symbols ?? toc.symbols, tablesWhere, opts);
    const postingsEnd = nextSectionAfter(toc, toc.postings, toc.postingsTable);
    const table = await PostingsTable.open(sec?.src ?? src, sec?.postingsTable ?? toc.postingsTable, postingsEnd, tablesWhere, opts.postingOffsetsSampling, opts.streamPiece);
    return new IndexReader(src, where, toc, version, symbols, table, sec?.src);
  }

  // Postings offset table entries held in memory (see IndexReaderOptions.postingOffsetsSampling).
  get postingOffsetsInMemory(): number {
    return this.table.sampledEntries;
  }

  // Label names present in the block, sorted (without the all-postings key "").
  labelNames(): string[] {
    return this.table.labelNames().filter((n) => n !== "");
  }

  // Sorted values of a label name; with matchers, only values of series those select.
  async labelValues(name: string, matchers?: readonly Matcher[]): Promise<string[]> {
    if (name === "") return [];
    const ranges = await this.table.values(name);
    if (!matchers || matchers.length === 0) return ranges.map((r) => r.value);
    const selected = await this.postings(matchers);
    if (selected.length === 0) return [];
    const lists = await this.readPostingsRanges(ranges);
    return ranges.filter((_, i) => intersectPostings(lists[i], selected).length > 0).map((r) => r.value);
  }

  async labelValuesWithRanges(name: string): Promise<PostingsRange[]> {
    return this.table.values(name);
  }

  // Postings ranges of name=v for the given values (absent values are skipped); lets callers
  // with a postings cache fetch only the lists they miss.
  async postingsRanges(name: string, values: readonly string[]): Promise<PostingsRange[]> {
    return this.table.find(name, values);
  }

  // Postings ranges of the values of `name` accepted by `pred`, streaming the table's slice.
  async postingsRangesWhere(name: string, pred: (v: string) => boolean): Promise<PostingsRange[]> {
    return this.table.valuesWhere(name, pred);
  }

  async allPostings(): Promise<Uint32Array> {
    const r = await this.table.find("", [""]);
    if (r.length === 0) return EMPTY_POSTINGS;
    return (await this.readPostingsRanges(r))[0];
  }

  // Union of the postings of name=v for each v in values.
  async postingsFor(name: string, values: readonly string[]): Promise<Uint32Array> {
    const ranges = await this.table.find(name, values);
    return unionPostings(await this.readPostingsRanges(ranges));
  }

  // Union of the postings of every value of `name` for which `pred` holds.
  async postingsWhere(name: string, pred: (v: string) => boolean): Promise<Uint32Array> {
    const ranges = (await this.table.values(name)).filter((r) => pred(r.value));
    return unionPostings(await this.readPostingsRanges(ranges));
  }

  // Series refs selected by the matchers, with Prometheus's semantics (see matchers.ts).
  async postings(matchers: readonly Matcher[]): Promise<Uint32Array> {
    return postingsForMatchers(this, matchers);
  }

  // Fetches postings lists, coalescing neighbouring ranges into single reads.
  async readPostingsRanges(ranges: readonly PostingsRange[]): Promise<Uint32Array[]> {
    const out = new Array<Uint32Array>(ranges.length);
    const order = ranges.map((_, i) => i).sort((a, b) => ranges[a].start - ranges[b].start);
    const jobs: (() => Promise<void>)[] = [];
    let i = 0;
    while (i < order.length) {
      let j = i + 1;
      while (j < order.length && ranges[order[j]].start - ranges[order[j - 1]].end <= POSTINGS_MAX_GAP) j++;
      const group = order.slice(i, j);
      const start = ranges[group[0]].start;
      const end = Math.max(...group.map((g) => ranges[g].end));
      jobs.push(
        async () => {
          if (end > this.src.size || end < start) throw new CorruptionError(this.where, `postings range [${start}, ${end}) outside the file`);
          const b = await this.src.read(start, end - start);
          for (const g of group) out[g] = this.decodePostings(b, ranges[g].start - start, ranges[g].end - start, ranges[g]);
        },
      );
      i = j;
    }
    await runLimited(jobs);
    return out;
  }

  private decodePostings(b: Uint8Array, s: number, e: number, r: PostingsRange): Uint32Array {
    const bad = (m: string) => new CorruptionError(this.where, `postings list for value ${JSON.stringify(r.value)} at ${r.start}: ${m}`);
    if (e - s < 12) throw bad("too short");
    const len = readBE32(b, s);
    if (s + 4 + len + 4 > e) throw bad(`length ${len} runs past its range (${e - s} bytes)`);
    const stored = readBE32(b, s + 4 + len);
    const crc = crc32c(b, s + 4, s + 4 + len);
    if (stored !== crc) throw bad(`checksum mismatch (stored ${stored.toString(16)}, computed ${crc.toString(16)})`);
    const n = readBE32(b, s + 4);
    if (len !== 4 + 4 * n) throw bad(`length ${len} does not match ${n} entries`);
    const out = new Uint32Array(n);
    let prev = -1;
    for (let i = 0; i < n; i++) {
      const v = readBE32(b, s + 8 + 4 * i);
      if (v <= prev) throw bad(`series refs not increasing at entry ${i}`);
      out[i] = prev = v;
    }
    return out;
  }

  async series(ref: number): Promise<SeriesEntry> {
    return (await this.seriesMany([ref]))[0];
  }

  // Reads series entries (labels + chunk metas) for many refs with coalesced range reads.
  // Results align with `refs`. Everything for one call is held at once (the entries and, with
  // a paged symbol table, the symbol pages they use), so callers pass batches of a few
  // thousand refs, as BlockReader.select does.
  async seriesMany(refs: ArrayLike<number>): Promise<SeriesEntry[]> {
    const n = refs.length;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => refs[a] - refs[b]);
    const raw = new Array<{ ref: number; pairs: number[]; chunks: ChunkMeta[] }>(n);
    const jobs: (() => Promise<void>)[] = [];
    let i = 0;
    while (i < n) {
      let j = i + 1;
      const startOff = this.seriesOffset(refs[order[i]]);
      while (
        j < n &&
        (this.seriesOffset(refs[order[j]]) - this.seriesOffset(refs[order[j - 1]]) <= SERIES_MAX_GAP) &&
        this.seriesOffset(refs[order[j]]) - startOff <= SERIES_MAX_RANGE
      ) j++;
      const group = order.slice(i, j);
      const end = Math.min(this.seriesEnd, this.seriesOffset(refs[order[j - 1]]) + SERIES_GUESS);
      jobs.push(
        async () => {
          const b = await this.src.read(startOff, end - startOff);
          for (const g of group) {
            const off = this.seriesOffset(refs[g]);
            raw[g] = this.parseSeriesAt(b, off - startOff, off) ?? (await this.readOneSeries(off));
          }
        },
      );
      i = j;
    }
    await runLimited(jobs);
    const ords = new Set<number>();
    for (const r of raw) for (const o of r.pairs) ords.add(o);
    await this.symbols.load(ords);
    return raw.map((r) => {
      const labels: Label[] = [];
      for (let k = 0; k < r.pairs.length; k += 2) labels.push({ name: this.symbols.get(r.pairs[k]), value: this.symbols.get(r.pairs[k + 1]) });
      return { ref: r.ref, labels, chunks: r.chunks };
    });
  }

  private seriesOffset(ref: number): number {
    const off = ref * SERIES_ALIGN;
    if (!Number.isInteger(ref) || off < this.toc.series || off >= this.seriesEnd) {
      throw new CorruptionError(this.where, `series ref ${ref} (offset ${off}) outside the series section [${this.toc.series}, ${this.seriesEnd})`);
    }
    return off;
  }

  private async readOneSeries(off: number) {
    const head = await this.src.read(off, Math.min(16, this.seriesEnd - off));
    let len: number;
    let hl: number;
    try {
      const d = new Decbuf(head);
      len = d.uvarint();
      hl = d.pos;
    } catch (e) {
      throw new CorruptionError(this.where, `series at ${off}: bad length: ${(e as Error).message}`);
    }
    if (off + hl + len + 4 > this.seriesEnd) throw new CorruptionError(this.where, `series at ${off}: length ${len} runs past the series section`);
    const b = await this.src.read(off, hl + len + 4);
    const r = this.parseSeriesAt(b, 0, off);
    if (!r) throw new CorruptionError(this.where, `series at ${off}: cannot be parsed`);
    return r;
  }

  // Parses one entry at b[pos]; null if b is too short to hold it.
  private parseSeriesAt(b: Uint8Array, pos: number, off: number) {
    const bad = (m: string) => new CorruptionError(this.where, `series at offset ${off} (ref ${off / SERIES_ALIGN}): ${m}`);
    let d = new Decbuf(b, pos);
    let len: number;
    try {
      len = d.uvarint();
    } catch {
      if (b.length - pos < 10) return null;
      throw bad("bad length");
    }
    const bodyStart = d.pos;
    if (off + (bodyStart - pos) + len + 4 > this.seriesEnd) throw bad(`length ${len} runs past the series section`);
    if (bodyStart + len + 4 > b.length) return null;
    const stored = readBE32(b, bodyStart + len);
    const crc = crc32c(b, bodyStart, bodyStart + len);
    if (stored !== crc) throw bad(`checksum mismatch (stored ${stored.toString(16)}, computed ${crc.toString(16)})`);
    d = new Decbuf(b, bodyStart, bodyStart + len);
    try {
      const nl = d.uvarint();
      const pairs: number[] = [];
      for (let k = 0; k < nl; k++) {
        pairs.push(d.uvarint(), d.uvarint());
      }
      const nc = d.uvarint();
      const chunks: ChunkMeta[] = [];
      if (nc > 0) {
        let mint = d.varint();
        let maxt = mint + d.uvarint();
        let ref = d.uvarint();
        chunks.push({ ref, minTime: mint, maxTime: maxt });
        for (let k = 1; k < nc; k++) {
          mint = maxt + d.uvarint();
          maxt = mint + d.uvarint();
          ref += d.varint();
          chunks.push({ ref, minTime: mint, maxTime: maxt });
        }
      }
      if (d.remaining !== 0) throw new DecodeError(`${d.remaining} trailing bytes`);
      return { ref: off / SERIES_ALIGN, pairs, chunks };
    } catch (e) {
      throw bad((e as Error).message);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.src.close?.(), this.sectionsSrc?.close?.()]);
  }
}

// The smallest section start after `start` (sections are laid out in TOC order, some may be 0).
function nextSectionAfter(toc: TOC, start: number, fallback: number): number {
  let best = fallback;
  for (const v of Object.values(toc)) if (v > start && v < best) best = v;
  return best;
}

// Reads and checks the index's header (magic, version) and TOC (CRC, offsets inside the file).
export async function readIndexTOC(src: ByteSource, where: CorruptionWhere): Promise<{ toc: TOC; version: number }> {
  const bad = (m: string) => new CorruptionError(where, m);
  if (src.size < INDEX_HEADER_LEN + TOC_LEN) throw bad(`file too short (${src.size} bytes)`);
  const [head, tocBytes] = await Promise.all([src.read(0, INDEX_HEADER_LEN), src.read(src.size - TOC_LEN, TOC_LEN)]);
  const magic = readBE32(head, 0);
  if (magic !== INDEX_MAGIC) throw bad(`invalid magic number ${magic.toString(16)}`);
  const version = head[4];
  if (version !== INDEX_FORMAT_V2 && version !== INDEX_FORMAT_V3) {
    throw bad(`unsupported index format version ${version} (only 2 and 3 are read)`);
  }
  const storedCrc = readBE32(tocBytes, TOC_LEN - 4);
  const crc = crc32c(tocBytes, 0, TOC_LEN - 4);
  if (storedCrc !== crc) throw bad(`TOC checksum mismatch (stored ${storedCrc.toString(16)}, computed ${crc.toString(16)}): truncated or corrupted index`);
  const toc: TOC = {
    symbols: readBE64(tocBytes, 0),
    series: readBE64(tocBytes, 8),
    labelIndices: readBE64(tocBytes, 16),
    labelIndicesTable: readBE64(tocBytes, 24),
    postings: readBE64(tocBytes, 32),
    postingsTable: readBE64(tocBytes, 40),
  };
  const limit = src.size - TOC_LEN;
  for (const [k, v] of Object.entries(toc)) {
    if (v > limit) throw bad(`TOC entry ${k} = ${v} points past the end of the index (${limit})`);
  }
  return { toc, version };
}
