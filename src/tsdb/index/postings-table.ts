// The postings offset table, read through range reads. At open the table is streamed once (CRC
// verified) and, per label name, every 32nd entry (or every `sampling`th: Thanos's
// --store.index-header-posting-offsets-in-mem-sampling) plus the last is kept (value, file
// offset of the entry, offset of its postings list), as Prometheus's reader does. A value lookup
// then reads only the table slice between two samples; a label's values are one read of its
// slice. A larger sampling keeps fewer values in memory and reads longer slices per lookup.
import type { ByteSource } from "../bytesource/index.ts";
import { Decbuf, DecodeError, decodeUtf8, readBE32 } from "../encoding/index.ts";
import { CorruptionError, type CorruptionWhere } from "../errors.ts";
import { compareBytes, compareStrings } from "../../labels/index.ts";
import { SAMPLING } from "./format.ts";
import { SectionStream } from "./section-stream.ts";

interface NameSamples {
  values: string[];
  entryOffs: number[]; // file offset of each sampled entry in the table
  postingsOffs: number[]; // offset of each sampled entry's postings list
  count: number; // number of values of this name
  tableEnd: number; // file offset after the name's last entry
  postingsEnd: number; // end of the name's last postings list (start of the next name's first)
}

// A label value with the byte range of its postings list (end includes any padding).
export interface PostingsRange {
  value: string;
  start: number;
  end: number;
}

export class PostingsTable {
  private readonly names = new Map<string, NameSamples>();
  private sortedNames: string[] = [];

  private constructor(
    private readonly src: ByteSource,
    private readonly where: CorruptionWhere,
  ) {}

  // `postingsEnd`: where the postings section ends (the next section's start). `sampling`: keep
  // every sampling-th entry of each name (> 0).
  static async open(src: ByteSource, off: number, postingsEnd: number, where: CorruptionWhere, sampling = SAMPLING, streamPiece?: number): Promise<PostingsTable> {
    if (!(Number.isInteger(sampling) && sampling > 0)) throw new RangeError(`postings offset table sampling must be an integer > 0, got ${sampling}`);
    const t = new PostingsTable(src, where);
    const bad = (m: string) => new CorruptionError(where, `postings offset table at ${off}: ${m}`);
    if (off + 12 > src.size) throw bad("beyond end of file");
    const h = await src.read(off, 8);
    const len = readBE32(h, 0);
    const count = readBE32(h, 4);
    if (len < 4 || off + 4 + len + 4 > src.size) throw bad(`length ${len} runs past the end of the file`);
    const stream = new SectionStream(src, off + 4, off + 4 + len, { reuseBuffer: true, piece: streamPiece });
    let cur: NameSamples | null = null;
    let curName = "";
    let curNameBytes: Uint8Array = new Uint8Array(0);
    // The previous entry, kept as raw bytes: values are compared byte-wise (UTF-8 order, as
    // Prometheus sorts them) and only sampled ones (and each name's last) are decoded.
    let lastValue: Uint8Array = new Uint8Array(0);
    let lastEntryOff = 0;
    let lastPostingsOff = 0;
    let lastSampled = true;
    const finishName = (nextEntryOff: number, nextPostingsOff: number) => {
      if (!cur) return;
      if (!lastSampled) {
        cur.values.push(decodeUtf8(lastValue));
        cur.entryOffs.push(lastEntryOff);
        cur.postingsOffs.push(lastPostingsOff);
      }
      cur.tableEnd = nextEntryOff;
      cur.postingsEnd = nextPostingsOff;
    };
    try {
      await stream.bytes(4);
      let prevPostings = -1;
      for (let i = 0; i < count; i++) {
        const entryOff = stream.offset;
        // Fetch only when an entry is not already buffered (see SectionStream.buffered). The
        // stream reuses its buffer, so the views kept across a fetch are copied first.
        if (stream.buffered < 16) {
          [curNameBytes, lastValue] = [curNameBytes.slice(), lastValue.slice()];
          await stream.ensure(16);
        }
        const n = stream.byteSync();
        if (n !== 2) throw bad(`entry ${i} has ${n} keys, want 2`);
        const nl = stream.uvarintSync();
        if (stream.buffered < nl + 10) {
          [curNameBytes, lastValue] = [curNameBytes.slice(), lastValue.slice()];
          await stream.ensure(nl + 10);
        }
        let nameBytes = stream.bytesSync(nl);
        const vl = stream.uvarintSync();
        if (stream.buffered < vl + 10) {
          [curNameBytes, lastValue, nameBytes] = [curNameBytes.slice(), lastValue.slice(), nameBytes.slice()];
          await stream.ensure(vl + 10);
        }
        const valueBytes = stream.bytesSync(vl);
        const postingsOff = stream.uvarintSync();
        if (postingsOff <= prevPostings) throw bad(`entry ${i} (${decodeUtf8(nameBytes)}=${JSON.stringify(decodeUtf8(valueBytes))}): postings offset ${postingsOff} not increasing`);
        prevPostings = postingsOff;
        if (!cur || compareBytes(nameBytes, curNameBytes) !== 0) {
          const name = decodeUtf8(nameBytes);
          if (cur && compareBytes(nameBytes, curNameBytes) < 0) throw bad(`label name ${JSON.stringify(name)} out of order`);
          finishName(entryOff, postingsOff);
          if (t.names.has(name)) throw bad(`label name ${JSON.stringify(name)} appears twice`);
          cur = { values: [], entryOffs: [], postingsOffs: [], count: 0, tableEnd: 0, postingsEnd: 0 };
          curName = name;
          curNameBytes = nameBytes;
          t.names.set(name, cur);
          t.sortedNames.push(name);
        } else if (compareBytes(valueBytes, lastValue) <= 0) {
          throw bad(`value ${JSON.stringify(decodeUtf8(valueBytes))} of ${curName} out of order`);
        }
        if (cur.count % sampling === 0) {
          cur.values.push(decodeUtf8(valueBytes));
          cur.entryOffs.push(entryOff);
          cur.postingsOffs.push(postingsOff);
          lastSampled = true;
        } else {
          lastSampled = false;
        }
        lastValue = valueBytes;
        lastEntryOff = entryOff;
        lastPostingsOff = postingsOff;
        cur.count++;
      }
      if (stream.remaining !== 0) throw bad(`${stream.remaining} unexpected bytes after ${count} entries`);
      if (prevPostings >= postingsEnd) throw bad(`postings offset ${prevPostings} beyond the postings section end ${postingsEnd}`);
      finishName(stream.offset, postingsEnd);
      await stream.drain();
    } catch (e) {
      if (e instanceof DecodeError) throw bad(e.message);
      throw e;
    }
    const crc = readBE32(await src.read(off + 4 + len, 4), 0);
    if (crc !== stream.crc.digest()) throw bad(`checksum mismatch (stored ${crc.toString(16)}, computed ${stream.crc.digest().toString(16)})`);
    return t;
  }

  // Label names in order, including "" (the all-postings key).
  labelNames(): readonly string[] {
    return this.sortedNames;
  }

  // Entries kept in memory (every sampling-th of each name, plus each name's last).
  get sampledEntries(): number {
    let n = 0;
    for (const ns of this.names.values()) n += ns.values.length;
    return n;
  }

  valueCount(name: string): number {
    return this.names.get(name)?.count ?? 0;
  }

  // Entries of the table between file offsets [s, e) decoded, with their postings ranges.
  private async decodeSlice(name: string, s: number, e: number, postingsEnd: number): Promise<PostingsRange[]> {
    const b = await this.src.read(s, e - s);
    const d = new Decbuf(b);
    const out: PostingsRange[] = [];
    try {
      while (d.remaining > 0) {
        if (d.byte() !== 2) throw new DecodeError("entry key count is not 2");
        const n = d.uvarintStr();
        const v = d.uvarintStr();
        const off = d.uvarint();
        if (n !== name) throw new DecodeError(`entry for ${JSON.stringify(n)} inside ${JSON.stringify(name)}'s slice`);
        if (out.length > 0) out[out.length - 1].end = off;
        out.push({ value: v, start: off, end: postingsEnd });
      }
    } catch (err) {
      throw new CorruptionError(this.where, `postings offset table slice [${s}, ${e}) for ${name}: ${(err as Error).message}`);
    }
    return out;
  }

  // All values of a label name with their postings ranges (one range read).
  async values(name: string): Promise<PostingsRange[]> {
    const ns = this.names.get(name);
    if (!ns) return [];
    return this.decodeSlice(name, ns.entryOffs[0], ns.tableEnd, ns.postingsEnd);
  }

  // Values of a name accepted by `pred`, with their postings ranges. Reads the name's slice of
  // the table in pieces of about `pieceBytes` (whole sample slots), keeping only the accepted
  // entries, so a regex over a label with millions of values never holds them all at once.
  async valuesWhere(name: string, pred: (v: string) => boolean, pieceBytes = 1 << 20): Promise<PostingsRange[]> {
    const ns = this.names.get(name);
    if (!ns) return [];
    const out: PostingsRange[] = [];
    const slots = ns.entryOffs.length;
    let k = 0;
    while (k < slots) {
      let j = k + 1;
      while (j < slots && ns.entryOffs[j] - ns.entryOffs[k] < pieceBytes) j++;
      const e = j < slots ? ns.entryOffs[j] : ns.tableEnd;
      const pend = j < slots ? ns.postingsOffs[j] : ns.postingsEnd;
      for (const r of await this.decodeSlice(name, ns.entryOffs[k], e, pend)) if (pred(r.value)) out.push(r);
      k = j;
    }
    return out;
  }

  // Postings ranges for some values of one name; reads only the table slices that can hold them.
  async find(name: string, values: readonly string[]): Promise<PostingsRange[]> {
    const ns = this.names.get(name);
    if (!ns || values.length === 0) return [];
    const want = [...new Set(values)].sort(compareStrings);
    // Group wanted values by the sample slot that covers them.
    const slots = new Map<number, string[]>();
    for (const v of want) {
      const k = upperBound(ns.values, v) - 1;
      if (k < 0) continue; // before the first value
      let l = slots.get(k);
      if (!l) slots.set(k, (l = []));
      l.push(v);
    }
    const out: PostingsRange[] = [];
    await Promise.all(
      [...slots].map(async ([k, vs]) => {
        const s = ns.entryOffs[k];
        const e = k + 1 < ns.entryOffs.length ? ns.entryOffs[k + 1] : ns.tableEnd;
        const pend = k + 1 < ns.postingsOffs.length ? ns.postingsOffs[k + 1] : ns.postingsEnd;
        const slice = await this.decodeSlice(name, s, e, pend);
        const set = new Set(vs);
        for (const r of slice) if (set.has(r.value)) out.push(r);
      }),
    );
    return out.sort((a, b) => a.start - b.start);
  }
}

// First index whose value is > v.
function upperBound(a: readonly string[], v: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (compareStrings(a[m], v) <= 0) lo = m + 1;
    else hi = m;
  }
  return lo;
}
