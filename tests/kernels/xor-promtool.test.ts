// Chunks written by real Prometheus (promtool 2.42 backfill from OpenMetrics): both decoders
// must return exactly the generated samples, and both encoders must reproduce the bytes.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { decodeXorChunk, decodeXorChunks, encodeXorChunk, xorDecode, xorEncode } from "../../src/kernels/index.ts";
import { generateSeries, promtoolChunks, type GeneratedSeries } from "./xor-fixtures.ts";
import { sameBits, sameBytes } from "./xor-gen.ts";

const hasPromtool = (() => {
  try {
    execFileSync("promtool", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

// Finds the series whose samples starting at the chunk's first timestamp equal the chunk's
// samples (bit for bit) and whose range is not yet claimed; marks it claimed.
function claim(series: GeneratedSeries[], claimed: Uint8Array[], ts: Float64Array, vs: Float64Array): boolean {
  const bits = new Uint32Array(vs.buffer);
  const f = new Float64Array(1);
  const fb = new Uint32Array(f.buffer);
  for (let s = 0; s < series.length; s++) {
    const start = series[s].ts.indexOf(ts[0]);
    if (start < 0 || start + ts.length > series[s].ts.length || claimed[s][start]) continue;
    let ok = true;
    for (let i = 0; i < ts.length && ok; i++) {
      f[0] = series[s].vs[start + i];
      ok = series[s].ts[start + i] === ts[i] && fb[0] === bits[2 * i] && fb[1] === bits[2 * i + 1];
      // NaN from OpenMetrics is Go's canonical NaN; compare NaN-ness for those
      if (!ok && Number.isNaN(series[s].vs[start + i]) && Number.isNaN(vs[i]) && series[s].ts[start + i] === ts[i]) ok = true;
    }
    if (!ok) continue;
    claimed[s].fill(1, start, start + ts.length);
    return true;
  }
  return false;
}

test("promtool-written chunks decode to the generated samples and re-encode identically", { skip: !hasPromtool && "promtool not installed" }, async () => {
  const series = generateSeries(20261125, 900);
  const chunks = await promtoolChunks(series);
  assert.ok(chunks.length >= series.length * 2, `expected several chunks per series, got ${chunks.length}`);
  const claimed = series.map((s) => new Uint8Array(s.ts.length));
  for (const [i, c] of chunks.entries()) {
    assert.equal(c.encoding, 1, `chunk ${i} is not XOR`);
    // Strict mode: Prometheus's finished chunks carry nothing but Go's zero padding.
    const ref = xorDecode(c.data, { strict: true });
    const wasm = decodeXorChunk(c.data, { strict: true });
    assert.ok(sameBits(ref.ts, wasm.ts) && sameBits(ref.vs, wasm.vs), `chunk ${i}: decoders disagree`);
    assert.ok(claim(series, claimed, ref.ts, ref.vs), `chunk ${i}: samples match no generated series`);
    assert.ok(sameBytes(xorEncode(ref.ts, ref.vs), c.data), `chunk ${i}: reference re-encoding differs`);
    assert.ok(sameBytes(encodeXorChunk(wasm.ts, wasm.vs), c.data), `chunk ${i}: wasm re-encoding differs`);
  }
  for (const [s, c] of claimed.entries()) assert.ok(c.every((x) => x === 1), `series ${series[s].name} not fully covered`);
  // Bulk decode of all chunks at once gives the same samples in chunk order.
  const bulk = decodeXorChunks(chunks.map((c) => c.data), { strict: true });
  assert.equal(bulk.ts.length, series.length * 900);
  for (const [i, c] of chunks.entries()) {
    const one = xorDecode(c.data);
    assert.ok(sameBits(bulk.ts.subarray(bulk.offsets[i], bulk.offsets[i + 1]), one.ts));
    assert.ok(sameBits(bulk.vs.subarray(bulk.offsets[i], bulk.offsets[i + 1]), one.vs));
  }
});
