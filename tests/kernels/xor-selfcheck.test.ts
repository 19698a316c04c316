// The selfcheck runner: the built-in checks pass, and a mismatching or throwing check is
// reported as a failure (so `aeon selfcheck` exits non-zero).
import assert from "node:assert/strict";
import { test } from "node:test";
import { runSelfChecks, selfChecks } from "../../src/kernels/index.ts";

test("built-in kernel checks pass, the XOR one included", () => {
  const results = runSelfChecks();
  assert.ok(results.some((r) => r.name === "xor"));
  for (const r of results) assert.ok(r.ok, `${r.name}: ${r.detail}`);
  assert.equal(results.length, selfChecks.length);
});

test("mismatches and exceptions are failures", () => {
  const results = runSelfChecks([
    { name: "mismatch", run: () => "wasm says 1, reference says 2" },
    { name: "throws", run: () => { throw new Error("boom"); } },
    { name: "fine", run: () => ({ detail: "ok" }) },
  ]);
  assert.deepEqual(results.map((r) => r.ok), [false, false, true]);
  assert.equal(results[0].detail, "wasm says 1, reference says 2");
  assert.match(results[1].detail, /boom/);
});
