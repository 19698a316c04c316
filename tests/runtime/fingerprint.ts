// Prints a JSON fingerprint (SHA-256 of outputs) of the kernels run on fixed pseudo-random
// data. tests/runtime/kernels.test.ts runs it under node, bun and deno and requires identical
// output: the same wasm and the same TS must give the same bits everywhere.
import { builtinSeries } from "../../src/kernels/selfcheck-data.ts";
import { decodeXorChunks, encodeXorChunk, xorDecode, xorEncode } from "../../src/kernels/index.ts";

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
console.log(JSON.stringify(fingerprint));
