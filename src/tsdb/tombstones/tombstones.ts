// Tombstones file of a block: magic 0x0130BA30 (BE32), format version byte 1, then entries
// {series ref uvarint, mint varint, maxt varint}, then CRC32-C over the entries (the version
// byte excluded, as Prometheus does for compatibility). An empty file is 9 bytes.
import { Crc32c, Decbuf, Encbuf, readBE32 } from "../encoding/index.ts";
import { CorruptionError, type CorruptionWhere } from "../errors.ts";

export const TOMBSTONES_MAGIC = 0x0130ba30;
export const TOMBSTONES_V1 = 1;

// A deleted time range [mint, maxt], both inclusive.
export interface Interval {
  mint: number;
  maxt: number;
}

export interface Tombstone extends Interval {
  ref: number;
}

// ref -> sorted, non-overlapping intervals.
export type TombstoneMap = Map<number, Interval[]>;

export function encodeTombstones(stones: Iterable<Tombstone>): Uint8Array {
  const e = new Encbuf(64);
  e.putBE32(TOMBSTONES_MAGIC);
  e.putByte(TOMBSTONES_V1);
  for (const s of stones) {
    e.putUvarint(s.ref);
    e.putVarint(s.mint);
    e.putVarint(s.maxt);
  }
  e.putBE32(new Crc32c().update(e.buf, 5, e.len).digest());
  return e.get().slice();
}

export function decodeTombstones(b: Uint8Array, where: CorruptionWhere = { file: "tombstones" }): TombstoneMap {
  const bad = (m: string) => new CorruptionError(where, m);
  if (b.length < 9) throw bad(`file too short (${b.length} bytes)`);
  const magic = readBE32(b, 0);
  if (magic !== TOMBSTONES_MAGIC) throw bad(`invalid magic number ${magic.toString(16)}`);
  if (b[4] !== TOMBSTONES_V1) throw bad(`invalid tombstones format version ${b[4]}`);
  const end = b.length - 4;
  const stored = readBE32(b, end);
  const crc = new Crc32c().update(b, 5, end).digest();
  if (stored !== crc) throw bad(`checksum mismatch (stored ${stored.toString(16)}, computed ${crc.toString(16)})`);
  const out: TombstoneMap = new Map();
  const d = new Decbuf(b, 5, end);
  try {
    while (d.remaining > 0) {
      const ref = d.uvarint();
      const mint = d.varint();
      const maxt = d.varint();
      addInterval(out, ref, { mint, maxt });
    }
  } catch (e) {
    throw bad(`entry: ${(e as Error).message}`);
  }
  return out;
}

// Adds an interval, merging with overlapping or adjacent ones (time is discrete in ms).
export function addInterval(m: TombstoneMap, ref: number, iv: Interval): void {
  const list = m.get(ref) ?? [];
  const merged: Interval[] = [];
  let cur = { ...iv };
  for (const x of list) {
    if (x.maxt < cur.mint - 1) merged.push(x);
    else if (x.mint > cur.maxt + 1) {
      merged.push(cur);
      cur = { ...x };
      continue;
    } else cur = { mint: Math.min(cur.mint, x.mint), maxt: Math.max(cur.maxt, x.maxt) };
  }
  merged.push(cur);
  merged.sort((a, b) => a.mint - b.mint);
  m.set(ref, merged);
}

export function isDeleted(intervals: readonly Interval[] | undefined, t: number): boolean {
  if (!intervals) return false;
  for (const iv of intervals) if (t >= iv.mint && t <= iv.maxt) return true;
  return false;
}

export function tombstoneCount(m: TombstoneMap): number {
  let n = 0;
  for (const l of m.values()) n += l.length;
  return n;
}

export function* tombstoneEntries(m: TombstoneMap): Iterable<Tombstone> {
  for (const ref of [...m.keys()].sort((a, b) => a - b)) for (const iv of m.get(ref)!) yield { ref, ...iv };
}
