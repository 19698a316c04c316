// Corrupt and truncated chunks: both decoders must report XorError (never trap, never another
// exception) or — where the damage is undetectable — agree bit for bit on what they decode.
// Every property runs in both modes: lenient (Prometheus's reader: data after the last sample
// is ignored) and strict (only Go's zero padding may follow the last sample).
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { XorError, decodeXorChunk, decodeXorChunks, xorDecode, xorEncode, type XorDecodeOptions } from "../../src/kernels/index.ts";
import { sameBits, sampleSetArb } from "./xor-gen.ts";

type Outcome = { error: true } | { error: false; ts: Float64Array; vs: Float64Array };
type Decode = (c: Uint8Array, opts?: XorDecodeOptions) => { ts: Float64Array; vs: Float64Array };

const modes: XorDecodeOptions[] = [{ strict: false }, { strict: true }];
const modeArb = fc.constantFrom(...modes);

function outcome(decode: Decode, chunk: Uint8Array, opts: XorDecodeOptions): Outcome {
  try {
    return { error: false, ...decode(chunk, opts) };
  } catch (err) {
    if (!(err instanceof XorError)) throw err; // a trap or a bug, not a decode error
    return { error: true };
  }
}

// Both implementations agree; returns the common outcome.
function agree(chunk: Uint8Array, opts: XorDecodeOptions): Outcome {
  const ref = outcome(xorDecode, chunk, opts);
  const wasm = outcome(decodeXorChunk, chunk, opts);
  assert.equal(wasm.error, ref.error, `decoders disagree on validity of ${Buffer.from(chunk).toString("hex")}`);
  if (!ref.error && !wasm.error) {
    assert.ok(sameBits(wasm.ts, ref.ts) && sameBits(wasm.vs, ref.vs), "decoders disagree on samples");
  }
  return ref;
}

test("every truncation fails, unless only padding was cut", () => {
  fc.assert(
    fc.property(sampleSetArb(60), modeArb, (s, mode) => {
      const chunk = xorEncode(s.ts, s.vs);
      for (let len = 0; len < chunk.length; len++) {
        const o = agree(chunk.subarray(0, len), mode);
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
      modeArb,
      (s, edits, flip, mode) => {
        const chunk = xorEncode(s.ts, s.vs);
        const bad = chunk.slice();
        for (const [at, b] of edits) {
          const i = at % bad.length;
          bad[i] = flip ? bad[i] ^ (1 << (b & 7)) : b;
        }
        agree(bad, mode);
      },
    ),
    { numRuns: 400 },
  );
});

test("random garbage: decoders agree, never trap", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), modeArb, (bytes, mode) => void agree(bytes, mode)), { numRuns: 500 });
  for (const mode of modes) {
    // Garbage with a plausible header and long varints
    assert.ok(agree(new Uint8Array([0, 5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), mode).error);
    assert.ok(agree(new Uint8Array([0, 5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]), mode).error);
    assert.ok(agree(new Uint8Array([0xff, 0xff]), mode).error);
  }
});

test("strict mode detects trailing bytes and short counts; lenient mode reads like Prometheus", () => {
  fc.assert(
    fc.property(sampleSetArb(60), fc.integer({ min: 1, max: 255 }), (s, extra) => {
      const chunk = xorEncode(s.ts, s.vs);
      const same = (o: Outcome) => !o.error && sameBits(o.ts, s.ts) && sameBits(o.vs, s.vs);
      const longer = new Uint8Array(chunk.length + 2);
      longer.set(chunk);
      longer[chunk.length] = extra;
      assert.ok(agree(longer, { strict: true }).error, "strict: extra bytes accepted");
      assert.ok(same(agree(longer, { strict: false })), "lenient: extra bytes must be ignored");
      const n = s.ts.length;
      if (n > 0) {
        const fewer = chunk.slice();
        fewer[0] = (n - 1) >> 8;
        fewer[1] = (n - 1) & 0xff;
        // One sample less leaves at least its 2 bits unread: strict fails unless they are 8 or
        // fewer zero bits; lenient always returns the first n-1 samples.
        const strict = agree(fewer, { strict: true });
        if (!strict.error) assert.ok(sameBits(strict.ts, s.ts.subarray(0, n - 1)));
        const lenient = agree(fewer, { strict: false });
        assert.ok(!lenient.error && sameBits(lenient.ts, s.ts.subarray(0, n - 1)) && sameBits(lenient.vs, s.vs.subarray(0, n - 1)));
      }
      if (n < 65535) {
        const more = chunk.slice();
        more[0] = (n + 1) >> 8;
        more[1] = (n + 1) & 0xff;
        for (const mode of modes) {
          const o = agree(more, mode);
          // Undetectable only when zero padding decodes as one more unchanged sample.
          if (!o.error) assert.ok(sameBits(o.ts.subarray(0, n), s.ts) && sameBits(o.vs.subarray(0, n), s.vs));
        }
      }
    }),
    { numRuns: 200 },
  );
  // An empty chunk is exactly its 2-byte header in strict mode.
  assert.ok(agree(new Uint8Array([0, 0, 0]), { strict: true }).error);
  assert.equal((agree(new Uint8Array([0, 0, 7]), { strict: false }) as { ts: Float64Array }).ts.length, 0);
});

test("an invalid XOR window (leading + significant > 64) is an error", () => {
  // t0=0 (varint 00), v0 = 64 zero bits, t1-t0 = 1 (01), then '11' + leading 31 + sig 40
  const bits = "11" + (31).toString(2).padStart(5, "0") + (40).toString(2).padStart(6, "0") + "0".repeat(40);
  const bytes = [0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  for (let i = 0; i < bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8).padEnd(8, "0"), 2));
  for (const mode of modes) assert.ok(agree(new Uint8Array(bytes), mode).error);
  assert.throws(() => xorDecode(new Uint8Array(bytes)), /leading zeros/);
  assert.throws(() => decodeXorChunk(new Uint8Array(bytes)), /leading zeros/);
});

test("bulk decode names the failing chunk", () => {
  const good = xorEncode([1, 2, 3], [1, 2, 3]);
  assert.throws(() => decodeXorChunks([good, good, good.subarray(0, 5)]), (err: unknown) => err instanceof XorError && /chunk 2/.test(err.message));
  const padded = new Uint8Array(good.length + 3);
  padded.set(good);
  padded[good.length] = 0xaa;
  assert.equal(decodeXorChunks([good, padded]).ts.length, 6);
  assert.throws(() => decodeXorChunks([good, padded], { strict: true }), (err: unknown) => err instanceof XorError && /chunk 1/.test(err.message));
  assert.throws(() => decodeXorChunks([good, new Uint8Array([1])]), XorError);
  assert.equal(decodeXorChunks([]).ts.length, 0);
});
