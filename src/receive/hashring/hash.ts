// The series hash every Thanos receiver agrees on, so that any node routes a series to the same
// endpoints: xxhash64 over tenant, 0xFF, then name 0xFF value 0xFF per label (labels sorted).
import { xxhash64Into } from "../../codec/xxhash64.ts";
import type { Labels } from "../../labels/index.ts";

const SEP = 0xff;
const enc = new TextEncoder();
let buf = new Uint8Array(1024);
const out = new Uint32Array(2);

function put(at: number, s: string): number {
  // Worst case 3 bytes per UTF-16 unit.
  if (at + s.length * 3 + 1 > buf.length) {
    const bigger = new Uint8Array(Math.max(buf.length * 2, at + s.length * 3 + 1024));
    bigger.set(buf.subarray(0, at));
    buf = bigger;
  }
  at += enc.encodeInto(s, buf.subarray(at)).written;
  buf[at++] = SEP;
  return at;
}

// The hash as a bigint (uint64).
export function seriesHash(tenant: string, labels: Labels): bigint {
  let n = put(0, tenant);
  for (const l of labels) {
    n = put(n, l.name);
    n = put(n, l.value);
  }
  xxhash64Into(buf.subarray(0, n), out);
  return (BigInt(out[0]) << 32n) | BigInt(out[1]);
}

// xxhash64 of a string's UTF-8 bytes (ketama ring points).
export function stringHash(s: string): bigint {
  const b = enc.encode(s);
  xxhash64Into(b, out);
  return (BigInt(out[0]) << 32n) | BigInt(out[1]);
}
