// Index checks that the block reader does not make while serving, done here by streaming the
// sections once through range reads (1 MiB pieces, never the whole index in memory):
// - the symbol table is sorted and has no duplicates;
// - the legacy label-index entries and the label offset table carry valid CRCs;
// - chunk refs increase strictly within each series and across series (Prometheus writes chunks
//   in series order, so a ref going backwards means a damaged series entry or chunk file).
// The TOC, symbol table CRC and postings offset table CRC are checked when the reader opens;
// series and postings CRCs by verifyBlock as it reads them.
import { compareStrings } from "../../../labels/index.ts";
import type { ByteSource } from "../../../tsdb/bytesource/index.ts";
import { Decbuf, crc32c, readBE32 } from "../../../tsdb/encoding/index.ts";
import { SERIES_ALIGN, TOC_LEN, type TOC } from "../../../tsdb/index/index.ts";
// Not re-exported by src/tsdb/index/index.ts: the sequential section reader the index reader
// itself uses at open time.
import { SectionStream } from "../../../tsdb/index/section-stream.ts";

export interface StructureProblem {
  file: string;
  message: string;
}

export async function checkIndexStructure(src: ByteSource, toc: TOC, maxProblems = 20): Promise<StructureProblem[]> {
  const problems: StructureProblem[] = [];
  const add = (message: string) => {
    if (problems.length < maxProblems) problems.push({ file: "index", message });
  };
  const guard = async (what: string, f: () => Promise<void>) => {
    try {
      await f();
    } catch (e) {
      add(`${what}: ${(e as Error).message}`);
    }
  };
  const end = (start: number) => nextSectionAfter(toc, start, src.size - TOC_LEN);
  if (toc.symbols) await guard("symbol table", () => checkSymbolsSorted(src, toc.symbols, add));
  if (toc.labelIndices) await guard("label indices", () => checkCrcEntries(src, toc.labelIndices, end(toc.labelIndices), 4, "label index", add));
  if (toc.labelIndicesTable) await guard("label offset table", () => checkCrcEntries(src, toc.labelIndicesTable, toc.labelIndicesTable + 1, 1, "label offset table", add));
  if (toc.series) await guard("series", () => checkChunkRefOrder(src, toc.series, end(toc.series), add));
  return problems;
}

async function checkSymbolsSorted(src: ByteSource, off: number, add: (m: string) => void): Promise<void> {
  const len = readBE32(await src.read(off, 4), 0);
  const s = new SectionStream(src, off + 4, off + 4 + len);
  const count = readBE32(await s.bytes(4), 0);
  let prev: string | null = null;
  for (let i = 0; i < count; i++) {
    const sym = await s.uvarintStr();
    if (prev !== null) {
      const c = compareStrings(prev, sym);
      if (c === 0) add(`symbol table: symbol ${i} ${JSON.stringify(sym)} is duplicated`);
      else if (c > 0) add(`symbol table: symbol ${i} ${JSON.stringify(sym)} sorts before the previous ${JSON.stringify(prev)}`);
    }
    prev = sym;
  }
}

// Walks `len(4) body crc(4)` entries from `start` (each aligned to `align` bytes, zero padding
// between) until `end`; `start + 1` as end means "one entry".
async function checkCrcEntries(src: ByteSource, start: number, end: number, align: number, what: string, add: (m: string) => void): Promise<void> {
  let pos = start;
  while (pos < end) {
    pos = Math.ceil(pos / align) * align;
    if (pos + 4 > end && end !== start + 1) break;
    const len = readBE32(await src.read(pos, 4), 0);
    if (len === 0) break; // padding up to the next section
    if (pos + 8 + len > src.size - TOC_LEN) {
      add(`${what} at ${pos}: length ${len} runs past the end of the index`);
      return;
    }
    const body = await src.read(pos + 4, len + 4);
    const stored = readBE32(body, len);
    const crc = crc32c(body, 0, len);
    if (stored !== crc) add(`${what} at ${pos}: checksum mismatch (stored ${stored.toString(16)}, computed ${crc.toString(16)})`);
    pos += 4 + len + 4;
    if (end === start + 1) break;
  }
}

async function checkChunkRefOrder(src: ByteSource, start: number, end: number, add: (m: string) => void): Promise<void> {
  const s = new SectionStream(src, start, end);
  let lastRef = -1;
  while (s.remaining > 0) {
    const pad = (SERIES_ALIGN - (s.offset % SERIES_ALIGN)) % SERIES_ALIGN;
    if (pad > 0) {
      if (pad >= s.remaining) return;
      await s.bytes(pad);
    }
    const off = s.offset;
    const len = await s.uvarint();
    if (len === 0) return; // zero padding before the next section
    const body = await s.bytes(len + 4);
    const stored = readBE32(body, len);
    // A damaged entry is reported by verifyBlock; its length may be wrong too, so stop walking.
    if (crc32c(body, 0, len) !== stored) return;
    const d = new Decbuf(body, 0, len);
    const nl = d.uvarint();
    for (let k = 0; k < 2 * nl; k++) d.uvarint();
    const nc = d.uvarint();
    let ref = 0;
    let maxt = 0;
    for (let k = 0; k < nc; k++) {
      if (k === 0) {
        const mint = d.varint();
        maxt = mint + d.uvarint();
        ref = d.uvarint();
      } else {
        const mint = maxt + d.uvarint();
        maxt = mint + d.uvarint();
        ref += d.varint();
      }
      if (ref <= lastRef) {
        add(`series ref ${off / SERIES_ALIGN}: chunk ${k} ref ${ref} does not increase (previous ref ${lastRef})`);
        return;
      }
      lastRef = ref;
    }
  }
}

function nextSectionAfter(toc: TOC, start: number, fallback: number): number {
  let best = fallback;
  for (const v of Object.values(toc)) if (v > start && v < best) best = v;
  return best;
}
