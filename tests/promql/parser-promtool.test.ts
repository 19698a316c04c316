// Our parser against a real Prometheus parser: Debian's promtool (Prometheus 2.42) checks a
// rules file whose expressions are these queries; its error text must equal ours. Only
// syntax whose meaning and messages did not change between 2.42 and 3.x is listed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "../../src/promql/parser/index.ts";

const invalid = [
  "(", ")", "rate(x[5m]", "x{", "x[5m", '"abc', "1 +", "foo bar", "sum(x,)", "rate(x[5m]))", 'x{a="b" c="d"}',
  "sum without(a) (x) by (b)", '{a="b"', "x[5m:1m", "a and", "x offset", "foo @", "*1", "sum by (1) (x)", "x{a=1}",
  "x =~ y", "]", "}", "foo}", "{", 'x{a="b"}}', "sum by (a", "rate(x[5m] offset)", "1 + + ", "sum(x) by", "topk(,x)",
  "avg(", 'count_values("a")', "x{a}", "x{a=}", 'x{="a"}', 'x{a!"b"}', 'x{a=="b"}', "x !~ y", "x ! y", "a + on b",
  "a + on(b) group_left(c", "a + on(b) group_right c d", "1 2", "foo @ start", "foo @ start(", "foo @ bar()", "rate()",
  "abs(1)", 'ln("a")', 'vector("a")', "scalar(x[5m])", 'sum(x) + "a"', '"a" + "b"', '-"a"', "$x", "x ^^ y",
  "foo[5m] offset -5m [1m]", "x[0s]", "x[5m:0s]", "sum(rate(x[5m])))", "(((x)", "x[5m]]", "x]", 'x{a="b",{', "~", "x;",
  'x{a="b";}', 'x{a=~"b" or}', "x[5m)", "rate(x[5m)]", '{a="b")', "x{a='b}", "x{a=`b}", "1 == 1", "1 and 1",
  "foo and 1", "foo + bool bar", "foo == on(bar) 10", "foo and on(bar) group_left(baz) bar", "foo + on(bar) group_left(bar) baz",
  "sum(1)", "topk(foo, bar)", "count_values(1, foo)", "topk(1)", "sum()", "sum(a, b)", "rate(foo)", "abs(foo[5m])",
  "time(1)", "round(foo, 1, 2)", "label_join(foo)", 'label_join(foo, "a", ",", "b", 1)', "non_existent_function_far_bar()",
  "foo[5m] + 1", '1 + "a"', "-foo[5m]", "foo[5m][5m:]", "{}", '{x=""}', '{x=~".*"}', 'foo{__name__="bar"}',
  "sum(foo) offset 1m", "sum(foo) @ 1", "foo offset 1m offset 2m", "foo @ 1 @ 2", "foo offset 1m[5m]", "foo @ 1 [5m]",
  "(foo)[5m]", "foo @ Inf", "sum(\n  foo\n) + bool 1",
];

const valid = [
  "1", "-1", "+1", "1.5e3", "0x1F", ".5", "Inf", "-inf", "NaN", '"a\\nb"', "`raw`", "'single'", "foo", 'foo{a="b"}',
  'foo{b="1", a=~"x.*", c!="", d!~"y"}', '{__name__="foo"}', "foo[5m]", "foo[1h30m]", "foo offset 5m", "foo offset -7m",
  "foo @ 10", "foo @ start()", "foo @ end()", "foo offset 1m @ 100", "foo[1h:5m] offset 1m", "foo[1h:]",
  "rate(foo[5m])[30m:1m]", "(foo + bar)[5m:]", "sum(foo)", "sum by (job) (foo)", "sum(foo) by (job, instance)",
  "sum without(instance) (foo)", "SUM(foo)", "topk(5, foo)", 'count_values("value", foo)', "a - on() c",
  "a - on(b) group_left(x, y) c", "a - on(b) group_left c", "a - ignoring(b) group_right(x) c", "up > bool 0",
  "1 < bool 2", "a and on(x) b", "a unless b", "a atan2 b", "-a", "--a", 'label_replace(up, "a", "$1", "b", "(.*)")',
  "histogram_quantile(0.9, rate(b[5m]))", "time()", "vector(1)", "round(foo)", "a + b offset 5m * c", "a ^ b ^ c",
  "-metric @ 100", "foo # comment", "offset", "rate(offset[5m])", "offset offset 1m", "x and offset", "sum", "sum + 1", "by",
  'count{job="x"}', "foo(bar)", "x (y)", "sum by (job) (rate(x[5m])) / ignoring(job) group_left sum(rate(x[5m]))",
];

function promtool(queries: string[], file: string): Promise<string> {
  let y = "groups:\n";
  queries.forEach((q, i) => {
    y += `- name: g${i}\n  rules:\n  - record: r\n    expr: ${JSON.stringify(q)}\n`;
  });
  return writeFile(file, y).then(
    () =>
      new Promise((resolve) => {
        execFile("promtool", ["check", "rules", file], (_err, stdout, stderr) => resolve(stdout + stderr));
      }),
  );
}

function theirErrors(out: string): Map<number, string> {
  const m = new Map<number, string>();
  for (const line of out.split("\n")) {
    const r = /group "g(\d+)", rule 1, "r": could not parse expression: (.*)$/.exec(line);
    if (r) m.set(Number(r[1]), r[2]);
  }
  return m;
}

function ours(q: string): string {
  try {
    parse(q);
    return "OK";
  } catch (e) {
    return (e as Error).message;
  }
}

test("parse errors match Prometheus's promtool", async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-promtool-"));
  try {
    const all = [...invalid, ...valid];
    const out = await promtool(all, join(dir, "rules.yml"));
    assert.ok(out.includes("Checking"), `promtool did not run: ${out}`);
    const theirs = theirErrors(out);
    const diffs: string[] = [];
    all.forEach((q, i) => {
      const t = theirs.get(i) ?? "OK";
      const o = ours(q);
      if (t !== o) diffs.push(`${JSON.stringify(q)}\n  promtool: ${t}\n  ours:     ${o}`);
    });
    // Every listed invalid query must really be invalid for promtool (the list stays honest).
    invalid.forEach((q, i) => assert.ok(theirs.has(i), `promtool accepts ${JSON.stringify(q)}`));
    assert.deepEqual(diffs, []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// Generated token soup (fixed seed): almost every message must be exactly promtool's. Left
// out: `@` (2.42 prints its token oddly) and `{ "…"` (quoted label names are 3.x syntax). The few remaining differences are in which
// context Prometheus's yacc error recovery names ("in aggregation") after `sum <identifier>`.
test("generated invalid queries: messages equal promtool's", async (t) => {
  const toks = ["x", "sum", "(", ")", "{", "}", 'a="b"', "[5m]", "[5m:1m]", "+", "*", "and", "by (a)", "on(a)", "bool", ",", "1", '"s"', "rate(", "==", "-", "group_left", "without", "]", "topk(", "abs(", "time()", ":", "foo(", "offset 5m", "offset"];
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const qs = new Set<string>();
  while (qs.size < 800) {
    const q = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => toks[Math.floor(rnd() * toks.length)]).join(" ");
    if (!/\{ "s"/.test(q)) qs.add(q);
  }
  const list = [...qs];
  const dir = await mkdtemp(join(tmpdir(), "aeon-promtool-"));
  try {
    const theirs = theirErrors(await promtool(list, join(dir, "rules.yml")));
    const diffs = list.flatMap((q, i) => {
      const th = theirs.get(i) ?? "OK";
      const o = ours(q);
      return th === o ? [] : [`${q}\n  promtool: ${th}\n  ours:     ${o}`];
    });
    for (const d of diffs) t.diagnostic(d);
    assert.ok(theirs.size > 700, "promtool rejected too few generated queries: generator broken?");
    assert.ok(diffs.length <= list.length / 100, `${diffs.length} of ${list.length} differ:\n${diffs.join("\n")}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
