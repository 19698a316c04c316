// Remote write 1.0 and 2.0 decoding keeps a sample value's exact bits (stale markers are NaNs
// with a payload), also when the sample arrays grow past their first allocation.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeWriteRequestV1, decodeWriteRequestV2 } from "../../src/receive/remote-write/index.ts";
import { F64_HI, F64_LO, f64Words } from "../../src/kernels/index.ts";
import { concat, int64Field, lenField, strField, tag, varint } from "./fixtures/pb.ts";

// Sample i: the stale marker at odd i, the value i at even i.
const N = 3000; // more than the sink's first 1024 slots
function sampleBytes(i: number): Uint8Array {
  const v = new Uint8Array(8);
  const dv = new DataView(v.buffer);
  if (i % 2) {
    dv.setUint32(0, 2, true);
    dv.setUint32(4, 0x7ff00000, true);
  } else dv.setFloat64(0, i, true);
  return concat(tag(1, 1), v, int64Field(2, 1000 * i));
}
const samples = Array.from({ length: N }, (_, i) => lenField(2, sampleBytes(i)));

function check(vs: Float64Array, ts: Float64Array, n: number): void {
  assert.equal(n, N);
  const w = f64Words(vs);
  for (let i = 0; i < N; i++) {
    assert.equal(ts[i], 1000 * i);
    if (i % 2) assert.deepEqual([w[2 * i + F64_HI], w[2 * i + F64_LO]], [0x7ff00000, 2], `sample ${i}`);
    else assert.equal(vs[i], i);
  }
}

test("remote write 1.0: stale markers decoded with their bits", () => {
  const body = lenField(1, concat(lenField(1, concat(strField(1, "__name__"), strField(2, "m"))), ...samples));
  const d = decodeWriteRequestV1(body);
  check(d.vs, d.ts, d.samples);
});

test("remote write 2.0: stale markers decoded with their bits", () => {
  const body = concat(strField(4, ""), strField(4, "__name__"), strField(4, "m"), lenField(5, concat(lenField(1, concat(varint(1), varint(2))), ...samples)));
  const d = decodeWriteRequestV2(body);
  check(d.vs, d.ts, d.samples);
});
