// The index's symbol table, read through range reads. At open we stream the section once to
// verify its CRC and remember the file offset of every 32nd symbol (as Prometheus does). If the
// table is small (<= `inMemoryMaxBytes`, default 8 MiB: a 100k-series block with a unique
// label value per series has a ~3 MiB table) we keep its raw bytes, as Thanos's index-header
// does; otherwise a lookup fetches the 32-symbol "page" holding the ordinal (nearby pages in
// one read) and keeps decoded pages in a bounded LRU cache (default 4096 pages = 131k
// symbols). Memory is then ~8 bytes per 32 symbols plus the cache, whatever the table size.
import { runLimited, type ByteSource } from "../bytesource/index.ts";
import { Decbuf, DecodeError, readBE32 } from "../encoding/index.ts";
import { CorruptionError, type CorruptionWhere } from "../errors.ts";
import { SAMPLING } from "./format.ts";
import { SectionStream } from "./section-stream.ts";

export interface SymbolTableOptions {
  inMemoryMaxBytes?: number;
  cachePages?: number;
  // Bytes fetched per step of the walk at open (default 1 MiB; tests use tiny pieces so that
  // the stream's buffer is refilled mid-entry).
  streamPiece?: number;
}

export class SymbolTable {
  private bytes: Uint8Array | null = null; // whole section body when small
  private bodyStart = 0; // file offset of the first symbol
  private sampled: number[] = []; // file offset of symbol i*32
  private end = 0; // file offset after the last symbol
  private readonly cache = new Map<number, string[]>();
  count = 0;

  private constructor(
    private readonly src: ByteSource,
    private readonly where: CorruptionWhere,
    private readonly cachePages: number,
  ) {}

  static async open(src: ByteSource, off: number, where: CorruptionWhere, opts: SymbolTableOptions = {}): Promise<SymbolTable> {
    const t = new SymbolTable(src, where, opts.cachePages ?? 4096);
    const bad = (m: string) => new CorruptionError(where, `symbol table at ${off}: ${m}`);
    if (off + 12 > src.size) throw bad("beyond end of file");
    const h = await src.read(off, 8);
    const len = readBE32(h, 0);
    t.count = readBE32(h, 4);
    if (len < 4 || off + 4 + len + 4 > src.size) throw bad(`length ${len} runs past the end of the file`);
    t.bodyStart = off + 8;
    t.end = off + 4 + len;
    const stream = new SectionStream(src, off + 4, off + 4 + len, { reuseBuffer: true, piece: opts.streamPiece });
    const keep = len <= (opts.inMemoryMaxBytes ?? 8 << 20);
    try {
      await stream.bytes(4); // count, already read
      for (let i = 0; i < t.count; i++) {
        if (i % SAMPLING === 0) t.sampled.push(stream.offset);
        if (stream.buffered < 10) await stream.ensure(10);
        const n = stream.uvarintSync();
        if (stream.buffered < n) await stream.ensure(n);
        stream.bytesSync(n);
      }
      if (stream.remaining !== 0) throw bad(`${stream.remaining} unexpected bytes after ${t.count} symbols`);
      await stream.drain();
    } catch (e) {
      if (e instanceof DecodeError) throw bad(e.message);
      throw e;
    }
    const crc = readBE32(await src.read(off + 4 + len, 4), 0);
    if (crc !== stream.crc.digest()) throw bad(`checksum mismatch (stored ${crc.toString(16)}, computed ${stream.crc.digest().toString(16)})`);
    if (keep) t.bytes = await src.read(t.bodyStart, t.end - t.bodyStart);
    return t;
  }

  get inMemory(): boolean {
    return this.bytes !== null;
  }

  private pageBounds(page: number): [number, number] {
    return [this.sampled[page], page + 1 < this.sampled.length ? this.sampled[page + 1] : this.end];
  }

  private decodePage(page: number, b: Uint8Array, base: number): string[] {
    const [s, e] = this.pageBounds(page);
    const d = new Decbuf(b, s - base, e - base);
    const out: string[] = [];
    try {
      while (d.remaining > 0 && out.length < SAMPLING) out.push(d.uvarintStr());
    } catch (err) {
      throw new CorruptionError(this.where, `symbol table page ${page}: ${(err as Error).message}`);
    }
    return out;
  }

  // Makes the given ordinals resolvable with get(); one range read per missing page.
  async load(ordinals: Iterable<number>): Promise<void> {
    if (this.bytes) return;
    this.trim(this.cachePages);
    const need = new Set<number>();
    for (const o of ordinals) {
      this.check(o);
      const p = Math.floor(o / SAMPLING);
      if (!this.cache.has(p)) need.add(p);
    }
    if (need.size === 0) return;
    // Coalesce consecutive pages into one read.
    const pages = [...need].sort((a, b) => a - b);
    let i = 0;
    const jobs: (() => Promise<void>)[] = [];
    while (i < pages.length) {
      let j = i + 1;
      // Pages a few apart share a read: fewer round trips for a few wasted bytes.
      while (j < pages.length && pages[j] - pages[j - 1] <= 8 && pages[j] - pages[i] < 1024) j++;
      const first = pages[i];
      const last = pages[j - 1];
      const group = pages.slice(i, j);
      jobs.push(
        async () => {
          const s = this.pageBounds(first)[0];
          const e = this.pageBounds(last)[1];
          const b = await this.src.read(s, e - s);
          for (const p of group) this.put(p, this.decodePage(p, b, s));
        },
      );
      i = j;
    }
    await runLimited(jobs);
  }

  private put(page: number, syms: string[]): void {
    this.cache.set(page, syms);
  }

  // Evicts least recently used pages down to the cap. Called before a load, never during one,
  // so every page a load() brought in stays resolvable until the next load().
  private trim(cap: number): void {
    while (this.cache.size > cap) {
      const oldest = this.cache.keys().next().value as number;
      this.cache.delete(oldest);
    }
  }

  private check(o: number): void {
    if (!(o >= 0 && o < this.count)) throw new CorruptionError(this.where, `unknown symbol reference ${o} (table has ${this.count})`);
  }

  // Synchronous lookup; the ordinal must have been load()ed (or the table is in memory).
  get(o: number): string {
    this.check(o);
    const p = Math.floor(o / SAMPLING);
    let page = this.cache.get(p);
    if (!page) {
      if (!this.bytes) throw new Error(`symbol ${o} not loaded`);
      page = this.decodePage(p, this.bytes, this.bodyStart);
      this.trim(this.cachePages);
      this.put(p, page);
    } else {
      // LRU refresh.
      this.cache.delete(p);
      this.cache.set(p, page);
    }
    const s = page[o % SAMPLING];
    if (s === undefined) throw new CorruptionError(this.where, `symbol ${o} missing from its page`);
    return s;
  }

  async lookup(o: number): Promise<string> {
    await this.load([o]);
    return this.get(o);
  }
}
