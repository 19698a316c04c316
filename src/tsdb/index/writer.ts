// Index file writer, version 2, laid out as Prometheus 2.x writes it so promtool reads it:
//   header | symbols | series (16-byte aligned) | label indices (legacy, 4-byte aligned) |
//   postings (4-byte aligned; the all-series list keyed ""/"" first) | label offset table |
//   postings offset table | TOC.
// Series must arrive in label-set order and all symbols must be given up front (the block
// writer collects them in a first pass). Series entries are written straight to the file; the
// postings are kept as (name, value, series) triples of 12 bytes per label pair in a typed
// array, sorted at close — far less than the series bytes and no per-pair objects.
import { compareLabels, compareStrings, type Labels } from "../../labels/index.ts";
import { Crc32c, Encbuf, writeBE32 } from "../encoding/index.ts";
import { BufferedFileWriter } from "../fileio/index.ts";
import {
  type ChunkMeta,
  INDEX_FORMAT_V2,
  INDEX_MAGIC,
  SERIES_ALIGN,
  type TOC,
} from "./format.ts";

export class IndexWriterError extends Error {}

class GrowableU32 {
  a = new Uint32Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  view(): Uint32Array {
    return this.a.subarray(0, this.n);
  }
}

export class IndexWriter {
  private readonly toc: TOC = { symbols: 0, series: 0, labelIndices: 0, labelIndicesTable: 0, postings: 0, postingsTable: 0 };
  private symbols: string[] = [];
  private readonly symbolIds = new Map<string, number>();
  private stage: "symbols" | "series" | "done" = "symbols";
  private lastSeries: Labels | null = null;
  private lastChunkRef = 0;
  private readonly seriesRefs = new GrowableU32();
  // (name symbol, value symbol, series ref) per label pair.
  private readonly pairs = new GrowableU32();
  private readonly buf = new Encbuf(4096);
  private readonly crc = new Crc32c();
  private numSeries = 0;

  private constructor(private readonly f: BufferedFileWriter) {}

  static async create(path: string): Promise<IndexWriter> {
    const f = await BufferedFileWriter.create(path, 4 << 20);
    const w = new IndexWriter(f);
    const h = new Uint8Array(5);
    writeBE32(h, 0, INDEX_MAGIC);
    h[4] = INDEX_FORMAT_V2;
    await f.write(h);
    return w;
  }

  get seriesCount(): number {
    return this.numSeries;
  }

  // The complete symbol table: every label name and value of every series, sorted byte-wise,
  // without duplicates ("" is added if missing).
  async addSymbols(symbols: readonly string[]): Promise<void> {
    if (this.stage !== "symbols") throw new IndexWriterError("symbols must be added once, before any series");
    // Prometheus's tables always hold "" first (its symbol set includes the all-postings key's
    // empty name/value); we add it too so our index files are byte-identical to promtool's.
    if (symbols.length === 0 || symbols[0] !== "") symbols = ["", ...symbols];
    for (let i = 0; i < symbols.length; i++) {
      if (i > 0 && compareStrings(symbols[i - 1], symbols[i]) >= 0) {
        throw new IndexWriterError(`symbol ${JSON.stringify(symbols[i])} out of order or duplicated`);
      }
      this.symbolIds.set(symbols[i], i);
    }
    this.symbols = symbols.slice();
    this.toc.symbols = this.f.pos;
    // len (patched below) | count | entries... | CRC over count + entries.
    const start = this.f.pos;
    await this.f.write(new Uint8Array(4));
    this.crc.reset();
    const b = this.buf;
    b.reset();
    b.putBE32(symbols.length);
    for (const s of symbols) {
      b.putUvarintStr(s);
      if (b.len > 1 << 20) await this.flushBuf();
    }
    await this.flushBuf();
    const len = this.f.pos - start - 4;
    if (len > 0xffffffff) throw new IndexWriterError(`symbol table of ${len} bytes exceeds 4 GiB`);
    await this.writeCrc();
    const lb = new Uint8Array(4);
    writeBE32(lb, 0, len);
    await this.f.writeAt(lb, start);
    this.stage = "series";
    this.toc.series = this.f.pos;
  }

  private async flushBuf(): Promise<void> {
    this.crc.update(this.buf.buf, 0, this.buf.len);
    await this.f.write(this.buf.get());
    this.buf.reset();
  }

  private async writeCrc(): Promise<void> {
    const c = new Uint8Array(4);
    writeBE32(c, 0, this.crc.digest());
    await this.f.write(c);
  }

  // Adds the next series (label sets strictly increasing) with its chunk metas (time-ordered,
  // refs non-decreasing across the whole index). Returns the series ref (offset / 16).
  async addSeries(labels: Labels, chunks: readonly ChunkMeta[]): Promise<number> {
    if (this.stage === "symbols") throw new IndexWriterError("addSymbols must be called before addSeries");
    if (this.stage === "done") throw new IndexWriterError("index already closed");
    if (labels.length === 0) throw new IndexWriterError("series without labels");
    if (this.lastSeries && compareLabels(labels, this.lastSeries) <= 0) {
      throw new IndexWriterError(`out-of-order series ${fmt(labels)} after ${fmt(this.lastSeries)}`);
    }
    let lastMax = 0;
    let lastRef = this.lastChunkRef;
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i];
      if (c.ref < lastRef) throw new IndexWriterError(`series ${fmt(labels)}: unsorted chunk ref ${c.ref} after ${lastRef}`);
      if (i > 0 && c.minTime <= lastMax) {
        throw new IndexWriterError(`series ${fmt(labels)}: chunk minTime ${c.minTime} not after previous maxTime ${lastMax}`);
      }
      if (c.maxTime < c.minTime) throw new IndexWriterError(`series ${fmt(labels)}: chunk maxTime ${c.maxTime} < minTime ${c.minTime}`);
      lastRef = c.ref;
      lastMax = c.maxTime;
    }
    await this.f.padTo(SERIES_ALIGN);
    const pos = this.f.pos;
    const ref = pos / SERIES_ALIGN;
    if (ref > 0xffffffff) throw new IndexWriterError("index exceeds 64 GiB of series");

    const b = this.buf;
    b.reset();
    b.putUvarint(labels.length);
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i];
      if (i > 0 && compareStrings(labels[i - 1].name, l.name) >= 0) {
        throw new IndexWriterError(`series ${fmt(labels)}: label names not sorted or duplicated`);
      }
      const n = this.symbolIds.get(l.name);
      const v = this.symbolIds.get(l.value);
      if (n === undefined) throw new IndexWriterError(`symbol ${JSON.stringify(l.name)} missing from the symbol table`);
      if (v === undefined) throw new IndexWriterError(`symbol ${JSON.stringify(l.value)} missing from the symbol table`);
      b.putUvarint(n);
      b.putUvarint(v);
      this.pairs.push(n);
      this.pairs.push(v);
      this.pairs.push(ref);
    }
    b.putUvarint(chunks.length);
    if (chunks.length > 0) {
      const c0 = chunks[0];
      b.putVarint(c0.minTime);
      b.putUvarint(c0.maxTime - c0.minTime);
      b.putUvarint(c0.ref);
      let t0 = c0.maxTime;
      let r0 = c0.ref;
      for (let i = 1; i < chunks.length; i++) {
        const c = chunks[i];
        b.putUvarint(c.minTime - t0);
        b.putUvarint(c.maxTime - c.minTime);
        b.putVarint(c.ref - r0);
        t0 = c.maxTime;
        r0 = c.ref;
      }
    }
    const bodyLen = b.len;
    b.putCrc32(0);
    const head = new Encbuf(16);
    head.putUvarint(bodyLen);
    await this.f.write(head.get());
    await this.f.write(b.get());

    this.seriesRefs.push(ref);
    this.lastSeries = labels.map((l) => ({ name: l.name, value: l.value }));
    this.lastChunkRef = lastRef;
    this.numSeries++;
    return ref;
  }

  async close(): Promise<void> {
    if (this.stage === "symbols") await this.addSymbols([]);
    if (this.stage === "done") return;
    this.stage = "done";
    const groups = this.sortedPairs();

    // Legacy label indices: per label name, its value symbols (Prometheus 2.x still writes them).
    this.toc.labelIndices = this.f.pos;
    const labelIndexOffsets: { name: string; off: number }[] = [];
    for (const g of groups.byName) {
      await this.f.padTo(4);
      labelIndexOffsets.push({ name: this.symbols[g.name], off: this.f.pos });
      const b = this.buf;
      b.reset();
      b.putBE32(0);
      b.putBE32(1);
      b.putBE32(g.values.length);
      for (const v of g.values) b.putBE32(v.value);
      writeBE32(b.buf, 0, b.len - 4);
      b.putCrc32(4);
      await this.f.write(b.get());
    }

    // Postings lists, the all-series list first.
    this.toc.postings = this.f.pos;
    const pot = new Encbuf(1 << 16);
    let potCount = 0;
    const writeList = async (name: string, value: string, refs: Uint32Array) => {
      await this.f.padTo(4);
      pot.putByte(2);
      pot.putUvarintStr(name);
      pot.putUvarintStr(value);
      pot.putUvarint(this.f.pos);
      potCount++;
      const b = this.buf;
      b.reset();
      b.putBE32(4 + 4 * refs.length);
      b.putBE32(refs.length);
      for (let i = 0; i < refs.length; i++) b.putBE32(refs[i]);
      b.putCrc32(4);
      await this.f.write(b.get());
    };
    await writeList("", "", this.seriesRefs.view());
    const order = groups.order;
    const pairs = this.pairs.a;
    const tmp = new GrowableU32();
    for (const g of groups.byName) {
      const name = this.symbols[g.name];
      for (const v of g.values) {
        tmp.n = 0;
        for (let k = v.start; k < v.end; k++) tmp.push(pairs[order[k] * 3 + 2]);
        await writeList(name, this.symbols[v.value], tmp.view());
      }
    }

    // Legacy label offset table: entries {1, name, offset of its label index}.
    this.toc.labelIndicesTable = this.f.pos;
    {
      const b = this.buf;
      b.reset();
      b.putBE32(0);
      b.putBE32(labelIndexOffsets.length);
      for (const e of labelIndexOffsets) {
        b.putUvarint(1);
        b.putUvarintStr(e.name);
        b.putUvarint(e.off);
      }
      writeBE32(b.buf, 0, b.len - 4);
      b.putCrc32(4);
      await this.f.write(b.get());
    }

    // Postings offset table.
    this.toc.postingsTable = this.f.pos;
    {
      const head = new Encbuf(8);
      head.putBE32(4 + pot.len);
      head.putBE32(potCount);
      this.crc.reset();
      this.crc.update(head.buf, 4, 8).update(pot.buf, 0, pot.len);
      await this.f.write(head.get());
      await this.f.write(pot.get());
      await this.writeCrc();
    }

    // TOC.
    const t = new Encbuf(64);
    t.putBE64(this.toc.symbols);
    t.putBE64(this.toc.series);
    t.putBE64(this.toc.labelIndices);
    t.putBE64(this.toc.labelIndicesTable);
    t.putBE64(this.toc.postings);
    t.putBE64(this.toc.postingsTable);
    t.putCrc32(0);
    await this.f.write(t.get());
    await this.f.close();
  }

  async abort(): Promise<void> {
    await this.f.abort();
  }

  get size(): number {
    return this.f.pos;
  }

  // Pair indices sorted by (name, value, series), grouped. Symbol ordinals sort like their
  // strings, so ordinal order is the index's required (name, value) order.
  private sortedPairs() {
    const n = this.pairs.n / 3;
    const p = this.pairs.a;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => p[a * 3] - p[b * 3] || p[a * 3 + 1] - p[b * 3 + 1] || a - b);
    const byName: { name: number; values: { value: number; start: number; end: number }[] }[] = [];
    let i = 0;
    while (i < n) {
      const name = p[order[i] * 3];
      const values: { value: number; start: number; end: number }[] = [];
      while (i < n && p[order[i] * 3] === name) {
        const value = p[order[i] * 3 + 1];
        const start = i;
        while (i < n && p[order[i] * 3] === name && p[order[i] * 3 + 1] === value) i++;
        values.push({ value, start, end: i });
      }
      byName.push({ name, values });
    }
    return { order, byName };
  }
}

function fmt(ls: Labels): string {
  return "{" + ls.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(", ") + "}";
}

