// fast-check generators for XOR chunk tests: timestamp sequences with every delta-of-delta
// bucket, and value sequences built from bit-level operations so every XOR branch is hit
// (unchanged, window reuse, new window, 64 significant bits, >31 leading zeros) along with
// NaN/±Inf/-0 and the stale marker.
import fc from "fast-check";
import { STALE_NAN_HI, STALE_NAN_LO, XOR_TS_LIMIT } from "../../src/kernels/index.ts";

export interface SampleSet {
  ts: Float64Array;
  vs: Float64Array; // written through a Uint32Array view: NaN payloads intact
}

const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
export const HI = LE ? 1 : 0;
export const LO = LE ? 0 : 1;

const deltaArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(15_000) },
  { weight: 2, arbitrary: fc.integer({ min: 14_900, max: 15_100 }) },
  { weight: 1, arbitrary: fc.integer({ min: -8191, max: 8192 }) },
  { weight: 1, arbitrary: fc.integer({ min: -70_000, max: 70_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: -600_000, max: 600_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 45), max: 2 ** 45 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 8192, 8193, -8191, -8192, 65536, 65537, -65535, -65536, 524288, 524289, -524287, -524288) },
);

const startArb = fc.oneof(
  fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
  fc.constantFrom(0, 1_700_000_000_000, -1, -(XOR_TS_LIMIT - 1), XOR_TS_LIMIT - 1, 2 ** 51),
);

type ValueOp = [kind: number, a: number, b: number];
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const valueOpArb: fc.Arbitrary<ValueOp> = fc.oneof(
  fc.tuple(fc.constant(0), u32, u32), // unchanged
  fc.tuple(fc.constant(1), u32, u32), // xor low 32 bits (leading zeros >= 32 -> clamp)
  fc.tuple(fc.constant(2), u32, u32), // xor middle bits (window reuse likely)
  fc.tuple(fc.constant(3), u32, u32), // random full 64 bits
  fc.tuple(fc.constant(4), u32, u32), // flip bit 63 and bit 0: 64 significant bits
  fc.tuple(fc.constant(5), fc.integer({ min: 0, max: 7 }), u32), // special values
  fc.tuple(fc.constant(6), fc.double({ noNaN: false }).map((d) => Math.round(d)), u32), // counter-ish: add a small integer
);

const f = new Float64Array(1);
const fu = new Uint32Array(f.buffer);
const specials: [number, number][] = [
  [STALE_NAN_HI, STALE_NAN_LO],
  [0x7ff80000, 0], // canonical NaN
  [0x7ff00000, 0], // +Inf
  [0xfff00000, 0], // -Inf
  [0x80000000, 0], // -0
  [0, 0], // +0
  [0x7fefffff, 0xffffffff], // max double
  [0, 1], // smallest subnormal
];

export function buildValues(ops: ValueOp[]): Float64Array {
  const vs = new Float64Array(ops.length);
  const bits = new Uint32Array(vs.buffer);
  let hi = 0x40590000; // 100.0
  let lo = 0;
  for (let i = 0; i < ops.length; i++) {
    const [kind, a, b] = ops[i];
    switch (kind) {
      case 1:
        lo = (lo ^ a) >>> 0;
        break;
      case 2:
        hi = (hi ^ (a & 0xfff)) >>> 0;
        lo = (lo ^ (b & 0xfff00000)) >>> 0;
        break;
      case 3:
        hi = a;
        lo = b;
        break;
      case 4:
        hi = (hi ^ 0x80000000) >>> 0;
        lo = (lo ^ 1) >>> 0;
        break;
      case 5:
        [hi, lo] = specials[a];
        break;
      case 6: {
        fu[HI] = hi;
        fu[LO] = lo;
        f[0] = f[0] + (Number.isFinite(a) ? a % 1000 : 1);
        hi = fu[HI];
        lo = fu[LO];
        break;
      }
    }
    bits[2 * i + HI] = hi;
    bits[2 * i + LO] = lo;
  }
  return vs;
}

export function buildTimestamps(start: number, deltas: number[]): Float64Array {
  const ts = new Float64Array(deltas.length + 1);
  let t = start;
  ts[0] = t;
  for (let i = 0; i < deltas.length; i++) {
    const next = t + deltas[i];
    if (next > -XOR_TS_LIMIT && next < XOR_TS_LIMIT) t = next; // stay inside the codec's domain
    ts[i + 1] = t;
  }
  return ts;
}

export const sampleSetArb = (maxLength = 300): fc.Arbitrary<SampleSet> =>
  fc
    .tuple(startArb, fc.array(deltaArb, { maxLength }), fc.array(valueOpArb, { minLength: maxLength + 1, maxLength: maxLength + 1 }))
    .chain(([start, deltas, ops]) => fc.integer({ min: 0, max: deltas.length + 1 }).map((n) => ({ start, deltas, ops, n })))
    .map(({ start, deltas, ops, n }) => ({
      ts: buildTimestamps(start, deltas).subarray(0, n),
      vs: buildValues(ops.slice(0, n)),
    }));

export function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length * 2);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
