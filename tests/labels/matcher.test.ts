import { test } from "node:test";
import assert from "node:assert/strict";
import { Matcher, MatcherError } from "../../src/labels/matcher.ts";
import { compareLabels, formatLabels, fromRecord, labelsKey } from "../../src/labels/labels.ts";

test("regex matchers are fully anchored RE2 with dot matching newline", () => {
  const m = new Matcher("=~", "a", "fo+");
  assert.equal(m.matches("foo"), true);
  assert.equal(m.matches("xfoo"), false);
  assert.equal(m.matches("foox"), false);
  assert.equal(new Matcher("=~", "a", "a.b").matches("a\nb"), true);
  assert.equal(new Matcher("=~", "a", "a|b").matches("ab"), false);
  assert.equal(new Matcher("=~", "a", "a|b").matches("b"), true);
  assert.equal(new Matcher("!~", "a", "a|b").matches("c"), true);
  assert.equal(new Matcher("=~", "a", "").matchesEmpty, true);
  assert.equal(new Matcher("=~", "a", ".+").matchesEmpty, false);
  assert.equal(new Matcher("!=", "a", "").matchesEmpty, false);
});

test("invalid regexes are rejected with a clear error", () => {
  assert.throws(() => new Matcher("=~", "a", "(unclosed"), MatcherError);
  // RE2 has no backreferences.
  assert.throws(() => new Matcher("=~", "a", "(a)\\1"), MatcherError);
});

test("label sets order and print like Prometheus", () => {
  const a = fromRecord({ b: "2", a: "1" });
  assert.deepEqual(a.map((l) => l.name), ["a", "b"]);
  assert.equal(formatLabels(a), '{a="1", b="2"}');
  assert.ok(compareLabels(fromRecord({ a: "1" }), fromRecord({ a: "1", b: "1" })) < 0);
  assert.ok(compareLabels(fromRecord({ a: "2" }), fromRecord({ a: "1", b: "1" })) > 0);
  assert.notEqual(labelsKey(fromRecord({ a: "b", c: "" })), labelsKey(fromRecord({ a: "bc" })));
});
