// Series selection by label matchers with Prometheus's semantics (PostingsForMatchers):
// a series is selected when every matcher accepts its value for the matcher's label, a missing
// label counting as the empty value. So a matcher that matches "" (`a=""`, `a!="x"`,
// `a=~"x|"`, `a!~"x"`) also selects series without the label, and `a!=""` means "has label a".
// Each matcher becomes either a set to intersect with (it does not match "": union of the
// postings of the values it accepts) or a set to subtract (it matches "": union of the postings
// of the values it rejects). With nothing to intersect, we start from all series.
import type { Matcher } from "../../labels/index.ts";
import { intersectAll, subtractPostings, unionPostings } from "./postings.ts";

// What an index must answer for matching; the block index reader and a head index both can.
export interface PostingsIndex {
  allPostings(): Promise<Uint32Array>;
  // Union of postings of name=v over the given values (absent values contribute nothing).
  postingsFor(name: string, values: readonly string[]): Promise<Uint32Array>;
  // Union of postings over the values of `name` accepted by `pred`.
  postingsWhere(name: string, pred: (v: string) => boolean): Promise<Uint32Array>;
}

export async function postingsForMatchers(ix: PostingsIndex, matchers: readonly Matcher[]): Promise<Uint32Array> {
  const intersect: Promise<Uint32Array>[] = [];
  const subtract: Promise<Uint32Array>[] = [];
  for (const m of matchers) {
    const matchesEmpty = m.matches("");
    if (m.type === "=") {
      if (matchesEmpty) subtract.push(ix.postingsWhere(m.name, () => true)); // a="": lacks a
      else intersect.push(ix.postingsFor(m.name, [m.value]));
    } else if (m.type === "!=") {
      if (matchesEmpty) subtract.push(ix.postingsFor(m.name, [m.value])); // a!="x"
      else intersect.push(ix.postingsWhere(m.name, () => true)); // a!="": has a
    } else if (matchesEmpty) {
      // Regex accepting "": drop series whose value it rejects. `=~".*"` rejects nothing.
      subtract.push(ix.postingsWhere(m.name, (v) => !m.matches(v)));
    } else {
      intersect.push(ix.postingsWhere(m.name, (v) => m.matches(v)));
    }
  }
  const base = intersect.length > 0 ? intersectAll(await Promise.all(intersect)) : await ix.allPostings();
  if (subtract.length === 0 || base.length === 0) return base;
  return subtractPostings(base, unionPostings(await Promise.all(subtract)));
}
