// The raw thanos.WriteRequest decoder (what a receiver uses for forwarded writes) against
// protobuf-es (fromBinary + fromWriteRequest, the path it replaces) on fuzzed requests: same
// tenant, replica, series, labels, timestamps, refusals and histogram counts, and values with the
// same bits — NaN payloads included, which the raw decoder must carry on every runtime (compared
// here on Node, where protobuf-es keeps them too) — plus a clean ProtoError on malformed bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import { WriteRequestSchema, TimeSeriesTenantDataSchema, type WriteRequest } from "../../src/gen/thanos/store/rpc_pb.ts";
import { ExemplarSchema, HistogramSchema, SampleSchema, TimeSeriesSchema, type Sample } from "../../src/gen/thanos/store/prompb_copy_pb.ts";
import { LabelSchema } from "../../src/gen/thanos/store/types_pb.ts";
import { decodeWriteRequest } from "../../src/receive/forward/decode-write-request.ts";
import { fromWriteRequest, toWriteRequest } from "../../src/receive/forward/index.ts";
import { ProtoError } from "../../src/receive/remote-write/index.ts";
import { labelsHash } from "../../src/tsdb/head/index.ts";
import { f64Words, F64_HI, F64_LO } from "../../src/kernels/f64-bits.ts";

type Bits = [hi: number, lo: number];
const STALE: Bits = [0x7ff00000, 2];

// A sample whose value goes on the wire from its bits (an unknown field 1 of wire type fixed64,
// the bytes a double has), as convert.ts's nanSample does: no JS number in between.
function bitsSample([hi, lo]: Bits, t: bigint): Sample {
  const bytes = new Uint8Array(8);
  const dv = new DataView(bytes.buffer);
  dv.setUint32(0, lo, true);
  dv.setUint32(4, hi, true);
  const s = create(SampleSchema, { value: 0, timestamp: t });
  s.$unknown = [{ no: 1, wireType: WireType.Bit64, data: bytes }];
  return s;
}

const nameChars = fc.constantFrom("", "__name__", "a", "b", "job", "le", "z", "ä", "名前", "a".repeat(40));
const valueChars = fc.constantFrom("", "x", "1", "up", "✓", "value with spaces", "v".repeat(120));
const label = fc.tuple(nameChars, valueChars);
// Mostly valid label sets (sorted, unique), sometimes unsorted, duplicated or with empties.
const labelSet = fc.tuple(fc.array(label, { maxLength: 5 }), fc.boolean()).map(([ls, sort]) => {
  if (sort) {
    const byName = new Map(ls.filter(([n, v]) => n && v));
    return [...byName].sort(([a], [b]) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
  }
  return ls;
});
const nanBits = fc.oneof(
  fc.constant(STALE),
  fc.constant<Bits>([0x7ff80000, 0]),
  fc.constant<Bits>([0xfff80000, 0]),
  fc.tuple(fc.integer({ min: 1, max: 0xfffff }), fc.nat(0xffffffff)).map(([h, lo]): Bits => [0x7ff00000 | h, lo]),
);
const timestamp = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 2_000_000_000_000 }).map(BigInt) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
  { weight: 1, arbitrary: fc.constantFrom(2n ** 52n, -(2n ** 52n), 2n ** 52n - 1n, 2n ** 53n, -(2n ** 63n)) },
);
const sample = fc.oneof(
  fc.tuple(fc.double(), timestamp).map(([v, t]) => create(SampleSchema, { value: v, timestamp: t })),
  fc.tuple(nanBits, timestamp).map(([b, t]) => bitsSample(b, t)),
);
const histogram = fc.tuple(fc.nat(), fc.double({ noNaN: true })).map(([n, sum]) =>
  create(HistogramSchema, { count: { case: "countInt", value: BigInt(n) }, sum, timestamp: 5n }),
);
const exemplar = fc.tuple(label, fc.double({ noNaN: true })).map(([[n, v], value]) =>
  create(ExemplarSchema, { labels: [create(LabelSchema, { name: n || "trace_id", value: v || "t" })], value, timestamp: 7n }),
);
const timeSeries = fc
  .record({
    labels: labelSet,
    samples: fc.array(sample, { maxLength: 6 }),
    histograms: fc.array(histogram, { maxLength: 2 }),
    exemplars: fc.array(exemplar, { maxLength: 2 }),
    unknown: fc.boolean(),
  })
  .map((r) => {
    const ts = create(TimeSeriesSchema, {
      labels: r.labels.map(([name, value]) => create(LabelSchema, { name, value })),
      samples: r.samples,
      histograms: r.histograms,
      exemplars: r.exemplars,
    });
    if (r.unknown) ts.$unknown = [{ no: 17, wireType: WireType.Varint, data: new Uint8Array([0x96, 0x01]) }];
    return ts;
  });
const writeRequest = fc
  .record({
    tenant: fc.constantFrom("", "default-tenant", "team-ä"),
    replica: fc.oneof(fc.constantFrom(0n, 1n, 2n, -1n, 2n ** 60n, -(2n ** 62n)), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
    timeseries: fc.array(timeSeries, { maxLength: 8 }),
    tenantData: fc.boolean(),
  })
  .map((r) =>
    create(WriteRequestSchema, {
      tenant: r.tenant,
      replica: r.replica,
      timeseries: r.timeseries,
      timeseriesTenantData: r.tenantData ? [create(TimeSeriesTenantDataSchema, { tenant: "other", timeseries: r.timeseries.slice(0, 1) })] : [],
    }),
  );

// Values as hi/lo words, read through a Uint32Array view.
function words(vs: Float64Array): Bits[] {
  const w = f64Words(vs);
  return Array.from({ length: vs.length }, (_, i): Bits => [w[2 * i + F64_HI], w[2 * i + F64_LO]]);
}

function assertAgree(req: WriteRequest, bytes: Uint8Array): void {
  const raw = decodeWriteRequest(bytes);
  const viaEs = fromWriteRequest(fromBinary(WriteRequestSchema, bytes));
  assert.equal(raw.tenant, req.tenant);
  const replica = Number(req.replica);
  if (Number.isSafeInteger(replica)) assert.equal(raw.replica, replica);
  assert.equal(raw.replica > 0, replica > 0);
  assert.equal(raw.write.invalidSeries, viaEs.invalidSeries);
  assert.equal(raw.write.firstInvalid, viaEs.firstInvalid);
  assert.equal(raw.write.histograms, viaEs.histograms);
  const strip = (ss: typeof viaEs.batch.series) => ss.map((s) => ({ labels: s.labels, start: s.start, end: s.end }));
  assert.deepEqual(strip(raw.write.batch.series), strip(viaEs.batch.series));
  for (const s of raw.write.batch.series) assert.equal(s.hash, labelsHash(s.labels), "series hash is the head's");
  assert.deepEqual(Array.from(raw.write.batch.ts), Array.from(viaEs.batch.ts));
  assert.deepEqual(words(raw.write.batch.vs), words(viaEs.batch.vs));
}

test("raw decoder and protobuf-es agree on fuzzed thanos.WriteRequests", () => {
  fc.assert(
    fc.property(writeRequest, (req) => assertAgree(req, toBinary(WriteRequestSchema, req))),
    { numRuns: 400 },
  );
});

test("NaN payloads come through with their bits, stale marker first of all", () => {
  const req = create(WriteRequestSchema, {
    tenant: "t",
    replica: 1n,
    timeseries: [
      create(TimeSeriesSchema, {
        labels: [create(LabelSchema, { name: "__name__", value: "m" })],
        samples: [bitsSample(STALE, 1000n), bitsSample([0x7ff80000, 0], 2000n), bitsSample([0x7ff12345, 0x6789abcd], 3000n), create(SampleSchema, { value: 42, timestamp: 4000n })],
      }),
    ],
  });
  const d = decodeWriteRequest(toBinary(WriteRequestSchema, req));
  assert.deepEqual(words(d.write.batch.vs), [STALE, [0x7ff80000, 0], [0x7ff12345, 0x6789abcd], [0x40450000, 0]]);
  assert.deepEqual(Array.from(d.write.batch.ts), [1000, 2000, 3000, 4000]);
  assert.equal(d.replica, 1);
});

test("what a receiver forwards (toWriteRequest) decodes back to the same batch and bits", () => {
  const vs = new Float64Array(3);
  const w = f64Words(vs);
  vs[0] = 1.5;
  [w[2 * 1 + F64_HI], w[2 * 1 + F64_LO]] = STALE;
  vs[2] = -0;
  const batch = { series: [{ labels: [{ name: "__name__", value: "a" }, { name: "i", value: "1" }], start: 0, end: 2 }, { labels: [{ name: "__name__", value: "b" }], start: 2, end: 3 }], ts: new Float64Array([10, 20, 30]), vs };
  const d = decodeWriteRequest(toBinary(WriteRequestSchema, toWriteRequest("tn", 2, batch, batch.series)));
  assert.equal(d.tenant, "tn");
  assert.equal(d.replica, 2);
  assert.deepEqual(d.write.batch.series.map((s) => [s.labels, s.start, s.end]), batch.series.map((s) => [s.labels, s.start, s.end]));
  assert.deepEqual(words(d.write.batch.vs), words(vs));
  assert.equal(d.write.invalidSeries, 0);
});

test("refusals match fromWriteRequest: labels first, then timestamps; histograms of every series counted", () => {
  const ts = (labels: Array<[string, string]>, t: bigint, histograms = 0) =>
    create(TimeSeriesSchema, {
      labels: labels.map(([name, value]) => create(LabelSchema, { name, value })),
      samples: [create(SampleSchema, { value: 1, timestamp: t })],
      histograms: Array.from({ length: histograms }, () => create(HistogramSchema, {})),
    });
  const req = create(WriteRequestSchema, {
    timeseries: [ts([["b", "1"], ["a", "1"]], 2n ** 60n, 1), ts([["a", "1"]], 2n ** 60n), ts([["a", "2"]], 5n, 2)],
  });
  const bytes = toBinary(WriteRequestSchema, req);
  const d = decodeWriteRequest(bytes);
  assert.equal(d.write.invalidSeries, 2);
  assert.match(d.write.firstInvalid!, /^out of order labels/);
  assert.equal(d.write.histograms, 3);
  assert.equal(d.write.batch.series.length, 1);
  assertAgree(req, bytes);
  const onlyTs = decodeWriteRequest(toBinary(WriteRequestSchema, create(WriteRequestSchema, { timeseries: [ts([["a", "1"]], -(2n ** 60n))] })));
  assert.equal(onlyTs.write.firstInvalid, 'sample timestamp outside ±2^52 ms: {a="1"}');
});

test("malformed bytes: a ProtoError, never a crash or another exception", () => {
  const mutated = fc.tuple(writeRequest, fc.array(fc.tuple(fc.nat(), fc.nat(255), fc.constantFrom("set", "cut", "insert")), { minLength: 1, maxLength: 4 }));
  let errors = 0;
  fc.assert(
    fc.property(mutated, ([req, edits]) => {
      let b = toBinary(WriteRequestSchema, req);
      for (const [at, byte, how] of edits) {
        const i = b.length === 0 ? 0 : at % b.length;
        if (how === "set" && b.length > 0) b[i] = byte;
        else if (how === "cut") b = b.subarray(0, i);
        else b = new Uint8Array([...b.subarray(0, i), byte, ...b.subarray(i)]);
      }
      try {
        const d = decodeWriteRequest(b);
        // Whatever decodes must be self-consistent.
        for (const s of d.write.batch.series) assert.ok(s.start <= s.end && s.end <= d.write.batch.ts.length);
      } catch (e) {
        if (!(e instanceof ProtoError)) throw e;
        errors++;
      }
    }),
    { numRuns: 600 },
  );
  assert.ok(errors > 0, "some mutations must be refused");
  for (const bad of [[0x0a, 0x05, 0x0a], [0x08], [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], [0x00], [0x0b], [0x12, 0x02, 0xc3, 0x28]]) {
    assert.throws(() => decodeWriteRequest(new Uint8Array(bad)), ProtoError, JSON.stringify(bad));
  }
});
