// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every Prometheus TSDB
// structure (index sections, chunks, tombstones, WAL fragments) and of snappy framing.
// Slicing-by-8 tables: eight table lookups per 8 input bytes instead of one per byte, which
// matters because every chunk and series entry we read gets verified.
const POLY = 0x82f63b78;

const TABLES: Uint32Array[] = (() => {
  const t: Uint32Array[] = [];
  for (let k = 0; k < 8; k++) t.push(new Uint32Array(256));
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let j = 0; j < 8; j++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[0][i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    for (let k = 1; k < 8; k++) t[k][i] = ((t[k - 1][i] >>> 8) ^ t[0][t[k - 1][i] & 0xff]) >>> 0;
  }
  return t;
})();
const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES;

// Continues a CRC: pass the previous result (0 to start) and the next bytes.
export function crc32cUpdate(crc: number, data: Uint8Array, start = 0, end = data.length): number {
  let c = ~crc >>> 0;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const a = (c ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24))) >>> 0;
    c =
      T7[a & 0xff] ^
      T6[(a >>> 8) & 0xff] ^
      T5[(a >>> 16) & 0xff] ^
      T4[a >>> 24] ^
      T3[data[i + 4]] ^
      T2[data[i + 5]] ^
      T1[data[i + 6]] ^
      T0[data[i + 7]];
  }
  for (; i < end; i++) c = T0[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  return crc32cUpdate(0, data, start, end);
}

// Incremental form, for sections written or verified piece by piece.
export class Crc32c {
  private crc = 0;
  update(data: Uint8Array, start = 0, end = data.length): this {
    this.crc = crc32cUpdate(this.crc, data, start, end);
    return this;
  }
  digest(): number {
    return this.crc;
  }
  reset(): void {
    this.crc = 0;
  }
}
