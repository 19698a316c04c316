// withExternalLabels (external labels merged in, winning over same-named series labels; replica
// labels dropped), which the store gateway and the sidecar use, against the obvious
// filter-concatenate-sort definition.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { compareStrings, withExternalLabels, type Label } from "../../src/labels/index.ts";

const labelSet = fc
  .uniqueArray(fc.record({ name: fc.constantFrom("__name__", "a", "b", "cluster", "job", "replica", "zone", "é", "z"), value: fc.string({ maxLength: 3 }) }), { selector: (l) => l.name, maxLength: 7 })
  .map((ls) => ls.sort((x, y) => compareStrings(x.name, y.name)));

function reference(ls: Label[], ext: Label[], drop: Set<string>): Label[] {
  const extNames = new Set(ext.map((l) => l.name));
  return [...ls.filter((l) => !extNames.has(l.name)), ...ext].sort((x, y) => compareStrings(x.name, y.name)).filter((l) => !drop.has(l.name));
}

test("withExternalLabels equals filter + concatenate + sort", () => {
  fc.assert(
    fc.property(labelSet, labelSet, fc.uniqueArray(fc.constantFrom("replica", "zone", "a"), { maxLength: 2 }), (ls, ext, drop) => {
      assert.deepEqual(withExternalLabels(ls, ext, new Set(drop)), reference(ls, ext, new Set(drop)));
    }),
    { numRuns: 2000 },
  );
});
