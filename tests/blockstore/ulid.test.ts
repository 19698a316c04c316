import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { isUlid, newUlid, ulidTime } from "../../src/blockstore/index.ts";

describe("ULID", () => {
  it("reads the time of known ULIDs", () => {
    assert.equal(ulidTime("01ARYZ6S41TSV4RRFFQ69G5FAV"), 1469918176385); // the ULID spec's example
    assert.equal(ulidTime("0000000001ZZZZZZZZZZZZZZZZ"), 1);
    assert.equal(ulidTime("0000000010ZZZZZZZZZZZZZZZZ"), 32);
    assert.equal(ulidTime("00000000000000000000000000"), 0);
    assert.equal(ulidTime("7ZZZZZZZZZZZZZZZZZZZZZZZZZ"), 2 ** 48 - 1);
  });

  it("round-trips the time through newUlid", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.uint8Array({ minLength: 10, maxLength: 10 }), (t, rnd) => {
        const id = newUlid(t, rnd);
        return isUlid(id) && ulidTime(id) === t;
      }),
    );
  });

  it("rejects non-ULIDs", () => {
    for (const bad of ["", "debug", "01ARZ3NDEKTSV4RRFFQ69G5FA", "01ARZ3NDEKTSV4RRFFQ69G5FAVX", "81ARZ3NDEKTSV4RRFFQ69G5FAV", "01ARZ3NDEKTSV4RRFFQ69G5FAU", "01arz3ndektsv4rrffq69g5fav"]) {
      assert.equal(isUlid(bad), false, bad);
      assert.throws(() => ulidTime(bad), /invalid ULID/);
    }
  });
});
