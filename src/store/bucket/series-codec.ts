// Compact binary form of a series entry (labels + chunk metas) for the index cache, so a remote
// cache can hold it too. Layout: uvarint label count, then name/value as uvarint-length strings,
// uvarint chunk count, then per chunk: ref delta, minTime (zig-zag varint, delta to the previous
// maxTime after the first), maxTime - minTime.
import { Decbuf, Encbuf } from "../../tsdb/encoding/index.ts";
import type { ChunkMeta, SeriesEntry } from "../../tsdb/index/index.ts";
import type { Label } from "../../labels/index.ts";

const enc = new Encbuf(512);

export function encodeSeriesEntry(s: SeriesEntry): Uint8Array {
  enc.reset();
  enc.putUvarint(s.labels.length);
  for (const l of s.labels) {
    enc.putUvarintStr(l.name);
    enc.putUvarintStr(l.value);
  }
  enc.putUvarint(s.chunks.length);
  let prevRef = 0;
  let prevMax = 0;
  for (const c of s.chunks) {
    enc.putUvarint(c.ref - prevRef);
    enc.putVarint(c.minTime - prevMax);
    enc.putUvarint(c.maxTime - c.minTime);
    prevRef = c.ref;
    prevMax = c.maxTime;
  }
  return enc.get().slice();
}

export function decodeSeriesEntry(ref: number, b: Uint8Array): SeriesEntry {
  const d = new Decbuf(b);
  const nl = d.uvarint();
  const labels: Label[] = new Array(nl);
  for (let i = 0; i < nl; i++) labels[i] = { name: d.uvarintStr(), value: d.uvarintStr() };
  const nc = d.uvarint();
  const chunks: ChunkMeta[] = new Array(nc);
  let prevRef = 0;
  let prevMax = 0;
  for (let i = 0; i < nc; i++) {
    const r = prevRef + d.uvarint();
    const minTime = prevMax + d.varint();
    const maxTime = minTime + d.uvarint();
    chunks[i] = { ref: r, minTime, maxTime };
    prevRef = r;
    prevMax = maxTime;
  }
  return { ref, labels, chunks };
}

// Postings lists travel through the cache as little-endian uint32 bytes.
export function encodePostings(p: Uint32Array): Uint8Array {
  const out = new Uint8Array(p.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < p.length; i++) dv.setUint32(i * 4, p[i], true);
  return out;
}

export function decodePostings(b: Uint8Array): Uint32Array {
  const n = b.length >>> 2;
  const out = new Uint32Array(n);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < n; i++) out[i] = dv.getUint32(i * 4, true);
  return out;
}
