// Self-check of the XOR chunk kernels: a chunk written by Prometheus (promtool 2.42 backfill
// of the samples below) must decode to exactly those samples and re-encode to the same bytes,
// and on the built-in series the WASM encoder/decoders must match the TS reference bit for bit.
import type { SelfCheck } from "./selfcheck.ts";
import { builtinSeries } from "./selfcheck-data.ts";
import { decodeXorChunk, decodeXorChunks, encodeXorChunk } from "./xor.ts";
import { xorDecode, xorEncode } from "./xor-ref.ts";

const GOLDEN_HEX =
  "000a80a0abfef9623ff00000000000009875309bffd80035ff860420066005ebfedf000000000036b3decfbf1f90f22001d67fffffffffffc94c18c3f418e7da51199ec06bf2bb6d6017ccccd400000000f2400000";
const GOLDEN_TS = [
  1700000000000, 1700000015000, 1700000030000, 1700000045003, 1700000059990, 1700000075000, 1700003675000, 1700003690000,
  1700003705000, 1700003720000,
];
const GOLDEN_VS = [1, 1, 2.5, 2.5, -7.25, Infinity, 1e300, 0.1, 4154567899, 4154567999.5];

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function sameWords(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

export const xorSelfCheck: SelfCheck = {
  name: "xor",
  run() {
    const golden = hexBytes(GOLDEN_HEX);
    const want = { ts: Float64Array.from(GOLDEN_TS), vs: Float64Array.from(GOLDEN_VS) };
    const strict = { strict: true };
    for (const [impl, got] of [["wasm", decodeXorChunk(golden, strict)], ["reference", xorDecode(golden, strict)]] as const) {
      if (!sameWords(got.ts, want.ts) || !sameWords(got.vs, want.vs)) return `${impl} decoder misreads the Prometheus chunk`;
    }
    if (!sameWords(encodeXorChunk(want.ts, want.vs), golden)) return "wasm encoder differs from Prometheus";
    if (!sameWords(xorEncode(want.ts, want.vs), golden)) return "reference encoder differs from Prometheus";

    const chunks: Uint8Array[] = [];
    let samples = 0;
    for (const [s, series] of builtinSeries().entries()) {
      for (let at = 0; at < series.ts.length; at += 120) {
        const ts = series.ts.subarray(at, at + 120);
        const vs = series.vs.subarray(at, at + 120);
        const ref = xorEncode(ts, vs);
        if (!sameWords(encodeXorChunk(ts, vs), ref)) return `series ${s} chunk at ${at}: wasm encoding differs`;
        chunks.push(ref);
        samples += ts.length;
      }
    }
    const bulk = decodeXorChunks(chunks, { strict: true });
    if (bulk.ts.length !== samples) return `bulk decode returned ${bulk.ts.length} samples, want ${samples}`;
    for (const [i, c] of chunks.entries()) {
      const ref = xorDecode(c);
      const from = bulk.offsets[i];
      const to = bulk.offsets[i + 1];
      if (!sameWords(bulk.ts.subarray(from, to), ref.ts) || !sameWords(bulk.vs.subarray(from, to), ref.vs)) {
        return `chunk ${i}: wasm bulk decode differs from the reference`;
      }
    }
    return { detail: `Prometheus golden chunk + ${chunks.length} chunks / ${samples} samples encoded and decoded identically` };
  },
};
