import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { compareStrings } from "../../src/labels/index.ts";

// Go (and so Prometheus/Thanos) orders strings by their UTF-8 bytes.
function utf8Order(a: string, b: string): number {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return Math.sign(Buffer.compare(x, y));
}

test("property: compareStrings orders like a UTF-8 byte comparison", () => {
  const str = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: "grapheme", maxLength: 6 }), fc.string({ unit: "binary", maxLength: 6 }));
  fc.assert(
    fc.property(str, str, (a, b) => {
      assert.equal(Math.sign(compareStrings(a, b)), utf8Order(a, b));
      assert.equal(Math.sign(compareStrings(a + "x", a + b)), utf8Order(a + "x", a + b));
    }),
    { numRuns: 2000 },
  );
  assert.ok(compareStrings("\uffff", "\u{10000}") < 0, "U+FFFF sorts before U+10000 in UTF-8 (not in UTF-16)");
  assert.equal(compareStrings("ab", "ab"), 0);
  assert.ok(compareStrings("a", "ab") < 0);
});
