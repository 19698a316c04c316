// WASM XOR codec vs the TypeScript reference: byte-identical encoding and bit-identical
// decoding on random sample sets and on hand-picked edge cases.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  STALE_NAN_HI,
  STALE_NAN_LO,
  XOR_TS_LIMIT,
  XorAppender,
  XorError,
  decodeXorChunk,
  decodeXorChunks,
  decodeXorInto,
  encodeXorChunk,
  xorDecode,
  xorEncode,
  xorSampleCount,
} from "../../src/kernels/index.ts";
import { HI, LO, buildTimestamps, buildValues, sameBits, sameBytes, sampleSetArb, type SampleSet } from "./xor-gen.ts";

// Encodes with both implementations, checks they agree byte for byte, then decodes the chunk
// with both and checks every timestamp and every value bit pattern.
function roundTrip({ ts, vs }: SampleSet): Uint8Array {
  const ref = xorEncode(ts, vs);
  const wasm = encodeXorChunk(ts, vs);
  assert.ok(sameBytes(ref, wasm), `encoders disagree for ${ts.length} samples`);
  assert.equal(xorSampleCount(ref), ts.length);
  // Strict: our encoders must emit exactly Go's bytes, padding included.
  const a = xorDecode(ref, { strict: true });
  const b = decodeXorChunk(ref, { strict: true });
  assert.ok(sameBits(a.ts, ts), "reference decoder timestamps");
  assert.ok(sameBits(a.vs, vs), "reference decoder values");
  assert.ok(sameBits(b.ts, ts), "wasm decoder timestamps");
  assert.ok(sameBits(b.vs, vs), "wasm decoder values");
  return ref;
}

function regular(n: number, start = 1_700_000_000_000, step = 15_000): SampleSet {
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ts[i] = start + i * step;
    vs[i] = Math.floor(i / 3) * 1.5;
  }
  return { ts, vs };
}

test("random sample sets: wasm == reference, bit-exact round trip", () => {
  fc.assert(fc.property(sampleSetArb(300), (s) => void roundTrip(s)), { numRuns: 400 });
});

test("bulk decode of many chunks equals per-chunk decoding", () => {
  fc.assert(
    fc.property(fc.array(sampleSetArb(150), { maxLength: 12 }), (sets) => {
      const chunks = sets.map((s) => xorEncode(s.ts, s.vs));
      const bulk = decodeXorChunks(chunks, { strict: true });
      let at = 0;
      for (let i = 0; i < sets.length; i++) {
        assert.equal(bulk.offsets[i], at);
        const n = sets[i].ts.length;
        assert.ok(sameBits(bulk.ts.subarray(at, at + n), sets[i].ts));
        assert.ok(sameBits(bulk.vs.subarray(at, at + n), sets[i].vs));
        at += n;
      }
      assert.equal(bulk.offsets[sets.length], at);
      assert.equal(bulk.ts.length, at);
    }),
    { numRuns: 100 },
  );
});

test("empty, 1, 2, 120 and 65535 samples", () => {
  const empty = roundTrip({ ts: new Float64Array(0), vs: new Float64Array(0) });
  assert.deepEqual([...empty], [0, 0]);
  for (const n of [1, 2, 3, 120, 65535]) roundTrip(regular(n));
  assert.throws(() => encodeXorChunk(new Float64Array(65536), new Float64Array(65536)), XorError);
  assert.throws(() => xorEncode(new Float64Array(65536), new Float64Array(65536)), XorError);
});

test("a constant regular series costs two bits per sample after the first two", () => {
  const ts = regular(120).ts;
  const vs = new Float64Array(120).fill(7);
  const chunk = roundTrip({ ts, vs });
  // 2 header + 6 varint + 8 value + 2 uvarint + 1 bit, then 118 * 2 bits: the 48 bytes
  // Prometheus reports for this case (PR #18353)
  assert.equal(chunk.length, 2 + 6 + 8 + 2 + Math.ceil((1 + 118 * 2) / 8));
  assert.equal(chunk.length, 48);
});

test("equal timestamps, negative timestamps and domain limits", () => {
  roundTrip({ ts: new Float64Array([5, 5, 5, 5]), vs: new Float64Array([1, 2, 3, 4]) });
  roundTrip({ ts: new Float64Array([-1_000_000, -999_000, -5, -5, 3, -70_000_000]), vs: new Float64Array(6) });
  roundTrip({ ts: new Float64Array([-(XOR_TS_LIMIT - 1), XOR_TS_LIMIT - 1, -(XOR_TS_LIMIT - 1), XOR_TS_LIMIT - 1]), vs: new Float64Array(4) });
  for (const bad of [XOR_TS_LIMIT, -XOR_TS_LIMIT, 1.5, NaN, Infinity]) {
    assert.throws(() => xorEncode([0, bad], [1, 1]), XorError);
    assert.throws(() => encodeXorChunk([0, bad], [1, 1]), XorError);
  }
});

test("every delta-of-delta bucket boundary", () => {
  const dods = [0, 1, -1, 8192, 8193, -8191, -8192, 65536, 65537, -65535, -65536, 524288, 524289, -524287, -524288, 2 ** 40, -(2 ** 40)];
  const deltas = [1000];
  for (const d of dods) deltas.push(deltas[deltas.length - 1] + d, 1000);
  const ts = buildTimestamps(1_000_000_000_000, deltas);
  roundTrip({ ts, vs: new Float64Array(ts.length).fill(1) });
});

test("huge timestamp jumps use the 64-bit bucket", () => {
  const ts = new Float64Array([0, 1, 2 ** 50, 2 ** 50 + 1, -(2 ** 51), 2 ** 51]);
  roundTrip({ ts, vs: new Float64Array(ts.length) });
});

test("special floats and the stale marker keep their bits", () => {
  const ops: [number, number, number][] = [];
  for (let k = 0; k < 8; k++) for (let j = 0; j < 8; j++) ops.push([5, (k * 3 + j) % 8, 0], [5, k, 0], [0, 0, 0]);
  const vs = buildValues(ops);
  const ts = regular(vs.length).ts;
  const chunk = roundTrip({ ts, vs });
  const back = new Uint32Array(decodeXorChunk(chunk).vs.buffer);
  const stale = ops.findIndex((o) => o[0] === 5 && o[1] === 0);
  assert.equal(back[2 * stale + HI], STALE_NAN_HI);
  assert.equal(back[2 * stale + LO], STALE_NAN_LO);
  roundTrip({ ts: new Float64Array([1, 2, 3, 4, 5]), vs: new Float64Array([NaN, -0, 0, Infinity, -Infinity]) });
});

test("every XOR value branch", () => {
  // unchanged, new window, reuse, >31 leading zeros (clamped), 64 significant bits
  const ops: [number, number, number][] = [
    [3, 0x40590000, 0], [0, 0, 0], [1, 0xff, 0], [1, 0xf0, 0], [1, 1, 0], [4, 0, 0], [4, 0, 0],
    [2, 0xabc, 0xfff00000], [2, 0x001, 0x00100000], [1, 0x80000000, 0], [3, 0xffffffff, 0xffffffff], [3, 0, 0],
  ];
  roundTrip({ ts: regular(ops.length).ts, vs: buildValues(ops) });
});

test("XorAppender builds the same bytes incrementally", () => {
  const { ts, vs } = regular(300);
  const app = new XorAppender();
  for (let i = 0; i < 120; i++) app.append(ts[i], vs[i]);
  assert.equal(app.count, 120);
  assert.ok(sameBytes(app.bytes(), xorEncode(ts, vs, 120)));
  const bits = new Uint32Array(vs.buffer);
  for (let i = 120; i < 300; i++) app.appendBits(ts[i], bits[2 * i + HI], bits[2 * i + LO]);
  assert.ok(sameBytes(app.bytes(), encodeXorChunk(ts, vs)));
  const stale = new XorAppender();
  stale.appendBits(1000, STALE_NAN_HI, STALE_NAN_LO);
  const back = new Uint32Array(xorDecode(stale.bytes()).vs.buffer);
  assert.deepEqual([back[HI], back[LO]], [STALE_NAN_HI, STALE_NAN_LO]);
});

test("decodeXorInto writes at an offset and checks room", () => {
  const s = regular(50);
  const chunk = xorEncode(s.ts, s.vs);
  const ts = new Float64Array(60);
  const vs = new Float64Array(60);
  assert.equal(decodeXorInto(chunk, ts, vs, 10), 50);
  assert.ok(sameBits(ts.subarray(10), s.ts));
  assert.ok(sameBits(vs.subarray(10), s.vs));
  assert.throws(() => decodeXorInto(chunk, ts, vs, 11), XorError);
});

test("plain number arrays encode like Float64Arrays", () => {
  const s = regular(40);
  assert.ok(sameBytes(encodeXorChunk([...s.ts], [...s.vs]), xorEncode(s.ts, s.vs)));
  assert.ok(sameBytes(xorEncode([...s.ts], [...s.vs], 30), encodeXorChunk(s.ts, s.vs, 30)));
});
