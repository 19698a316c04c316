import { test } from "node:test";
import assert from "node:assert/strict";
import {
  decodeWriteRequestV1,
  decodeWriteRequestV2,
  decodeRemoteWrite,
  detectVersion,
  ProtoError,
  RemoteWriteError,
  type DecodedWrite,
} from "../../src/receive/remote-write/index.ts";
import { labelsHash } from "../../src/tsdb/head/index.ts";
import { concat, lenField, strField, tag, v1Label, v1Request, v1Sample, v1Series, v2Request, varint, snappy, type TestSeries } from "./fixtures/pb.ts";

const T0 = 1_700_000_000_000;
const SERIES: TestSeries[] = [
  { labels: [["__name__", "up"], ["instance", "a:9090"], ["job", "prom"]], samples: [[T0, 1], [T0 + 15000, 0]], exemplars: 1 },
  { labels: [["__name__", "temp_ç"], ["zone", "été"]], samples: [[-5, -2.5], [T0, NaN], [2 ** 51, Infinity]], histograms: 2 },
  { labels: [["__name__", "no_samples"]], samples: [] },
];

function flat(d: DecodedWrite) {
  return d.series.map((s) => ({
    labels: s.labels.map((l) => [l.name, l.value]),
    samples: Array.from({ length: s.end - s.start }, (_, i) => [d.ts[s.start + i], d.vs[s.start + i]]),
  }));
}

for (const [name, build, decode] of [
  ["v1", v1Request, decodeWriteRequestV1],
  ["v2", v2Request, decodeWriteRequestV2],
] as const) {
  test(`remote write ${name}: decodes labels, samples, counts`, () => {
    const d = decode(build(SERIES));
    assert.equal(d.invalidSeries, 0);
    assert.deepEqual(
      flat(d),
      SERIES.map((s) => ({ labels: s.labels, samples: s.samples })),
    );
    assert.equal(d.samples, 5);
    // The series hash the decoder computes from label bytes is the head's labelsHash.
    for (const s of d.series) assert.equal(s.hash, labelsHash(s.labels));
    assert.equal(d.exemplars, 1);
    assert.equal(d.histograms, 2);
  });

  test(`remote write ${name}: invalid label sets are refused per series, others kept`, () => {
    const bad: TestSeries[] = [
      { labels: [["job", "x"], ["__name__", "m"]], samples: [[1, 1]] }, // unsorted
      { labels: [["__name__", "m"], ["__name__", "n"]], samples: [[1, 1]] }, // duplicate
      { labels: [["", "v"], ["a", "b"]], samples: [[1, 1]] }, // empty name
      { labels: [["__name__", "m"], ["a", ""]], samples: [[1, 1]] }, // empty value
      { labels: [], samples: [[1, 1]] }, // no labels
      { labels: [["__name__", "ok"]], samples: [[1, 7]] },
      { labels: [["__name__", "ts_range"]], samples: [[2 ** 60, 1]] }, // timestamp not representable
    ];
    const d = decode(build(bad));
    assert.equal(d.invalidSeries, 6);
    assert.match(d.firstInvalid!, /out of order labels/);
    assert.deepEqual(flat(d), [{ labels: [["__name__", "ok"]], samples: [[1, 7]] }]);
    for (const [i, re] of [[1, /duplicate label names/], [2, /empty name or value/], [3, /empty name or value/], [4, /no labels/], [6, /timestamp/]] as const) {
      assert.match(decode(build([bad[i]])).firstInvalid!, re);
    }
  });
}

test("remote write v1: negative int64 timestamps (10-byte varints) and unknown fields", () => {
  const series = concat(lenField(1, v1Label("__name__", "neg")), lenField(2, v1Sample(-1_000_000_000_001n, 3)), lenField(9, new Uint8Array([1, 2])), tag(10, 0), varint(5));
  const d = decodeWriteRequestV1(concat(lenField(1, series), tag(15, 5), new Uint8Array(4)));
  assert.deepEqual(flat(d), [{ labels: [["__name__", "neg"]], samples: [[-1_000_000_000_001, 3]] }]);
});

test("remote write: malformed protobuf and invalid UTF-8 throw ProtoError", () => {
  const good = v1Request(SERIES);
  assert.throws(() => decodeWriteRequestV1(good.subarray(0, good.length - 3)), ProtoError);
  assert.throws(() => decodeWriteRequestV1(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])), ProtoError); // length past end
  assert.throws(() => decodeWriteRequestV1(new Uint8Array([0x0b])), ProtoError); // group wire type
  assert.throws(() => decodeWriteRequestV1(new Uint8Array([0x00, 0x01])), ProtoError); // field 0
  const badUtf8 = lenField(1, concat(lenField(1, concat(strField(1, "__name__"), lenField(2, new Uint8Array([0x66, 0xc3, 0x28]))))));
  assert.throws(() => decodeWriteRequestV1(badUtf8), /invalid UTF-8/);
  // v2: refs out of range, odd refs, bad symbols[0]
  const v2 = (symbols: string[], refs: number[]) => concat(...symbols.map((s) => strField(4, s)), lenField(5, lenField(1, concat(...refs.map((r) => varint(r))))));
  assert.throws(() => decodeWriteRequestV2(v2(["", "a", "b"], [1, 5])), /out of range/);
  assert.throws(() => decodeWriteRequestV2(v2(["", "a", "b"], [1, 2, 1])), /odd length/);
  assert.throws(() => decodeWriteRequestV2(v2(["x", "a", "b"], [1, 2])), /symbols\[0\]/);
  assert.equal(decodeWriteRequestV2(v2(["", "a", "b"], [1, 2])).series.length, 1);
});

test("remote write: version detection and body decoding statuses", () => {
  assert.equal(detectVersion("application/x-protobuf", "snappy"), "1.0");
  assert.equal(detectVersion(null, null), "1.0");
  assert.equal(detectVersion("application/x-protobuf;proto=prometheus.WriteRequest", "snappy"), "1.0");
  assert.equal(detectVersion("application/x-protobuf; proto=io.prometheus.write.v2.Request", "snappy"), "2.0");
  const status = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof RemoteWriteError, String(e));
      return e.status;
    }
    return 0;
  };
  assert.equal(status(() => detectVersion("application/json", "snappy")), 415);
  assert.equal(status(() => detectVersion("application/x-protobuf;proto=foo.Bar", "snappy")), 415);
  assert.equal(status(() => detectVersion("application/x-protobuf", "gzip")), 415);
  const limits = { maxDecodedBytes: 1 << 20 };
  assert.equal(decodeRemoteWrite(snappy(v1Request(SERIES)), "1.0", limits).samples, 5);
  assert.equal(status(() => decodeRemoteWrite(new Uint8Array([0x10, 0xff, 0xff, 0xff]), "1.0", limits)), 400);
  assert.equal(status(() => decodeRemoteWrite(snappy(new Uint8Array([0x0a, 0x05, 1])), "1.0", limits)), 400);
  assert.equal(status(() => decodeRemoteWrite(snappy(new Uint8Array(2 << 20)), "1.0", limits)), 413);
  assert.equal(decodeRemoteWrite(snappy(new Uint8Array(0)), "1.0", limits).series.length, 0);
  void v1Series;
});
