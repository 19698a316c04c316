// Corrupt and truncated chunks: both decoders must report XorError (never trap, never another
// exception) or — where the damage is undetectable — agree bit for bit on what they decode.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { XorError, decodeXorChunk, decodeXorChunks, xorDecode, xorEncode } from "../../src/kernels/index.ts";
import { sameBits, sampleSetArb } from "./xor-gen.ts";

type Outcome = { error: true } | { error: false; ts: Float64Array; vs: Float64Array };

function outcome(decode: (c: Uint8Array) => { ts: Float64Array; vs: Float64Array }, chunk: Uint8Array): Outcome {
  try {
    return { error: false, ...decode(chunk) };
  } catch (err) {
    if (!(err instanceof XorError)) throw err; // a trap or a bug, not a decode error
    return { error: true };
  }
}

// Both implementations agree; returns the common outcome.
function agree(chunk: Uint8Array): Outcome {
  const ref = outcome(xorDecode, chunk);
  const wasm = outcome(decodeXorChunk, chunk);
  assert.equal(wasm.error, ref.error, `decoders disagree on validity of ${Buffer.from(chunk).toString("hex")}`);
  if (!ref.error && !wasm.error) {
    assert.ok(sameBits(wasm.ts, ref.ts) && sameBits(wasm.vs, ref.vs), "decoders disagree on samples");
  }
  return ref;
}

test("every truncation fails, unless only padding was cut", () => {
  fc.assert(
    fc.property(sampleSetArb(60), (s) => {
      const chunk = xorEncode(s.ts, s.vs);
      for (let len = 0; len < chunk.length; len++) {
        const o = agree(chunk.subarray(0, len));
        if (!o.error) {
          // Only the trailing empty byte of Go's bstream may go without changing anything.
          assert.equal(len, chunk.length - 1);
          assert.equal(chunk[len], 0);
          assert.ok(sameBits(o.ts, s.ts) && sameBits(o.vs, s.vs));
        }
      }
    }),
    { numRuns: 150 },
  );
});

test("flipped bits and overwritten bytes: decoders agree, never trap", () => {
  fc.assert(
    fc.property(
      sampleSetArb(80),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      (s, edits, flip) => {
        const chunk = xorEncode(s.ts, s.vs);
        const bad = chunk.slice();
        for (const [at, b] of edits) {
          const i = at % bad.length;
          bad[i] = flip ? bad[i] ^ (1 << (b & 7)) : b;
        }
        agree(bad);
      },
    ),
    { numRuns: 400 },
  );
});

test("random garbage: decoders agree, never trap", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => void agree(bytes)), { numRuns: 500 });
  // Garbage with a plausible header and long varints
  agree(new Uint8Array([0, 5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
  agree(new Uint8Array([0, 5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]));
  agree(new Uint8Array([0xff, 0xff]));
});

test("trailing bytes and wrong sample counts are detected", () => {
  fc.assert(
    fc.property(sampleSetArb(60), fc.integer({ min: 1, max: 255 }), (s, extra) => {
      const chunk = xorEncode(s.ts, s.vs);
      const longer = new Uint8Array(chunk.length + 2);
      longer.set(chunk);
      longer[chunk.length] = extra;
      assert.ok(agree(longer).error, "extra bytes accepted");
      const n = s.ts.length;
      if (n > 0) {
        const fewer = chunk.slice();
        fewer[0] = (n - 1) >> 8;
        fewer[1] = (n - 1) & 0xff;
        // One sample less leaves at least its 2 bits unread; > 8 bits or non-zero bits -> error.
        const o = agree(fewer);
        if (!o.error) assert.ok(sameBits(o.ts, s.ts.subarray(0, n - 1)));
      }
      if (n < 65535) {
        const more = chunk.slice();
        more[0] = (n + 1) >> 8;
        more[1] = (n + 1) & 0xff;
        const o = agree(more);
        // Undetectable only when zero padding decodes as one more unchanged sample.
        if (!o.error) assert.ok(sameBits(o.ts.subarray(0, n), s.ts) && sameBits(o.vs.subarray(0, n), s.vs));
      }
    }),
    { numRuns: 200 },
  );
});

test("an invalid XOR window (leading + significant > 64) is an error", () => {
  // t0=0 (varint 00), v0 = 64 zero bits, t1-t0 = 1 (01), then '11' + leading 31 + sig 40
  const bits = "11" + (31).toString(2).padStart(5, "0") + (40).toString(2).padStart(6, "0") + "0".repeat(40);
  const bytes = [0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  for (let i = 0; i < bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8).padEnd(8, "0"), 2));
  assert.ok(agree(new Uint8Array(bytes)).error);
  assert.throws(() => xorDecode(new Uint8Array(bytes)), /leading zeros/);
  assert.throws(() => decodeXorChunk(new Uint8Array(bytes)), /leading zeros/);
});

test("bulk decode names the failing chunk", () => {
  const good = xorEncode([1, 2, 3], [1, 2, 3]);
  assert.throws(() => decodeXorChunks([good, good, good.subarray(0, 5)]), (err: unknown) => err instanceof XorError && /chunk 2/.test(err.message));
  assert.throws(() => decodeXorChunks([good, new Uint8Array([1])]), XorError);
  assert.equal(decodeXorChunks([]).ts.length, 0);
});
