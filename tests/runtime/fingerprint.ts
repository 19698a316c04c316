// Prints a JSON fingerprint (SHA-256 of outputs) of the kernels run on fixed pseudo-random
// data. tests/runtime/kernels.test.ts runs it under node, bun and deno and requires identical
// output: the same wasm and the same TS must give the same bits everywhere.
import { builtinSeries } from "../../src/kernels/selfcheck-data.ts";
import { decodeXorChunks, downsampleRaw, encodeXorChunk, mergeDedup, RES_5M, xorDecode, xorEncode } from "../../src/kernels/index.ts";
import { AGGREGATES } from "../../src/kernels/downsample-ref.ts";

async function sha256(parts: ArrayBufferView[]): Promise<string> {
  let len = 0;
  for (const p of parts) len += p.byteLength;
  const all = new Uint8Array(len);
  let at = 0;
  for (const p of parts) {
    all.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

const series = builtinSeries(16, 1000, 0x5eed);
const wasmChunks: Uint8Array[] = [];
const refChunks: Uint8Array[] = [];
for (const s of series) {
  for (let at = 0; at < s.ts.length; at += 120) {
    wasmChunks.push(encodeXorChunk(s.ts.subarray(at, at + 120), s.vs.subarray(at, at + 120)));
    refChunks.push(xorEncode(s.ts.subarray(at, at + 120), s.vs.subarray(at, at + 120)));
  }
}
const bulk = decodeXorChunks(wasmChunks);
const refDecoded = refChunks.map((c) => xorDecode(c));

const fingerprint: Record<string, string | number> = {
  samples: bulk.ts.length,
  xorEncodeWasm: await sha256(wasmChunks),
  xorEncodeRef: await sha256(refChunks),
  xorDecodeWasm: await sha256([bulk.ts, bulk.vs]),
  xorDecodeRef: await sha256([...refDecoded.map((d) => d.ts), ...refDecoded.map((d) => d.vs)]),
  // ---- other kernels (dedup/merge, downsample): add their output hashes here ----
};

// Merge-dedup and downsampling on the decoded series: replica pairs are neighbouring series
// (overlapping time ranges, different values), so both algorithms have real work to do.
const decoded = series.map((_, i) => {
  const from = bulk.offsets[i * Math.ceil(1000 / 120)];
  const to = bulk.offsets[(i + 1) * Math.ceil(1000 / 120)];
  return { ts: bulk.ts.subarray(from, to), vs: bulk.vs.subarray(from, to) };
});
const merged: ArrayBufferView[] = [];
for (let i = 0; i + 1 < decoded.length; i += 2) {
  for (const algorithm of ["penalty", "chain"] as const) {
    const m = mergeDedup(algorithm, [decoded[i], decoded[i + 1]], i % 4 === 0);
    merged.push(m.ts, m.vs);
  }
}
fingerprint.mergeDedup = await sha256(merged);
const downsampled: ArrayBufferView[] = [];
for (const d of decoded) {
  const r = downsampleRaw(d.ts, d.vs, RES_5M);
  for (const name of AGGREGATES) downsampled.push(r[name].ts, r[name].vs);
}
fingerprint.downsample5m = await sha256(downsampled);
console.log(JSON.stringify(fingerprint));
