// The shared Prometheus duration parser/printer, a table of inputs checked against Debian's
// promtool (Prometheus 2.42: a rule's `for:` is read with model.ParseDuration, so its error text
// is ParseDuration's own), and the three callers' thin layers on top of it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DurationError, formatDuration, isDurationSyntax, MAX_DURATION_MS, parseDuration } from "../../src/duration/index.ts";
import { parseDuration as apiDuration } from "../../src/api/params.ts";
import { parseDuration as configDuration } from "../../src/objstore/index.ts";
import { parse } from "../../src/promql/parser/index.ts";

const H = 3_600_000;
const D = 24 * H;
// [input, milliseconds or the exact error message]
const table: [string, number | string][] = [
  ["1h30m", 1.5 * H],
  ["90m", 90 * 60_000],
  ["1y2w", 365 * D + 14 * D],
  ["0", 0],
  ["0s", 0],
  ["01m", 60_000],
  ["500ms", 500],
  ["1s500ms", 1500],
  ["1y1w1d1h1m1s1ms", 365 * D + 7 * D + D + H + 60_000 + 1000 + 1],
  ["292y", 292 * 365 * D],
  ["106751d", 106751 * D],
  ["9223372036854ms", MAX_DURATION_MS],
  ["2562047h47m16s854ms", MAX_DURATION_MS],
  ["292y24w3d23h47m16s854ms", MAX_DURATION_MS],
  ["", "empty duration string"],
  ["1.5h", 'not a valid duration string: "1.5h"'],
  ["1m1h", 'not a valid duration string: "1m1h"'],
  ["1h1h", 'not a valid duration string: "1h1h"'],
  ["1ms1s", 'not a valid duration string: "1ms1s"'],
  ["-1m", 'not a valid duration string: "-1m"'],
  ["+1m", 'not a valid duration string: "+1m"'],
  ["1x", 'not a valid duration string: "1x"'],
  ["1M", 'not a valid duration string: "1M"'],
  ["ms", 'not a valid duration string: "ms"'],
  ["5 m", 'not a valid duration string: "5 m"'],
  [" 5m", 'not a valid duration string: " 5m"'],
  ["00", 'not a valid duration string: "00"'],
  ["15", 'not a valid duration string: "15"'],
  ["293y", "duration out of range"],
  ["106752d", "duration out of range"],
  ["9223372036855ms", "duration out of range"],
  ["2562047h47m16s855ms", "duration out of range"],
  ["292y24w3d23h47m16s855ms", "duration out of range"],
  ["9223372036854775807ms", "duration out of range"],
  ["99999999999999999999y", "duration out of range"],
  ["1" + "0".repeat(400) + "s", "duration out of range"],
];

function ours(s: string): number | string {
  try {
    return parseDuration(s);
  } catch (e) {
    assert.ok(e instanceof DurationError, `not a DurationError: ${String(e)}`);
    return e.message;
  }
}

test("parseDuration: the table", () => {
  for (const [input, want] of table) assert.equal(ours(input), want, JSON.stringify(input));
});

test("parseDuration: error reasons and syntax check", () => {
  const reason = (s: string) => {
    try {
      parseDuration(s);
      return "ok";
    } catch (e) {
      return (e as DurationError).reason;
    }
  };
  assert.equal(reason(""), "empty");
  assert.equal(reason("1h1h"), "syntax");
  assert.equal(reason("293y"), "range");
  // Shape without range: an over-long duration is still a duration token for the PromQL lexer.
  assert.equal(isDurationSyntax("293y"), true);
  assert.equal(isDurationSyntax("0"), true);
  assert.equal(isDurationSyntax(""), false);
  assert.equal(isDurationSyntax("1m1h"), false);
});

// Runs promtool on a rules file whose one alert has `for: <input>`; "OK" or its error text.
function promtoolFor(dir: string, i: number, input: string): Promise<string> {
  const file = join(dir, `r${i}.yml`);
  const yml = `groups:\n- name: g\n  rules:\n  - alert: a\n    expr: up\n    for: ${JSON.stringify(input)}\n`;
  return writeFile(file, yml).then(
    () =>
      new Promise((resolve) => {
        execFile("promtool", ["check", "rules", file], (err, stdout, stderr) => {
          const out = stdout + stderr;
          if (!err && out.includes("SUCCESS")) return resolve("OK");
          const m = new RegExp(`FAILED:\\n?.*${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: (.*)`).exec(out);
          resolve(m ? m[1] : `unrecognised promtool output: ${out}`);
        });
      }),
  );
}

test("parseDuration agrees with promtool's model.ParseDuration", async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-duration-"));
  try {
    const theirs: string[] = [];
    // A few at a time: promtool is a large binary and the machine has two cores.
    for (let i = 0; i < table.length; i += 6) {
      const batch = table.slice(i, i + 6).map(([input], k) => promtoolFor(dir, i + k, input));
      theirs.push(...(await Promise.all(batch)));
    }
    const diffs: string[] = [];
    table.forEach(([input], i) => {
      const o = ours(input);
      const mine = typeof o === "number" ? "OK" : o;
      if (mine !== theirs[i]) diffs.push(`${JSON.stringify(input)}: promtool ${theirs[i]} | ours ${mine}`);
    });
    assert.deepEqual(diffs, []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("formatDuration prints like model.Duration.String()", () => {
  const cases: [number, string][] = [
    [0, "0s"],
    [1.5 * H, "1h30m"],
    [90 * 60_000, "1h30m"],
    [500, "500ms"],
    [1500, "1s500ms"],
    [90 * D, "90d"], // not 12w6d: weeks only when exact
    [14 * D, "2w"],
    [365 * D, "1y"],
    [365 * D + 14 * D, "379d"], // "1y2w" parses, but years and weeks print only when exact
    [2 * 365 * D, "2y"],
    [366 * D, "366d"],
    [-5 * 60_000, "-5m"],
    [MAX_DURATION_MS, "106751d23h47m16s854ms"],
  ];
  for (const [ms, want] of cases) assert.equal(formatDuration(ms), want, String(ms));
  // Printing then parsing gives the value back for every non-negative whole millisecond.
  for (const ms of [1, 999, 60_000, 86_399_999, 7 * D, 123456789012, MAX_DURATION_MS]) assert.equal(parseDuration(formatDuration(ms)), ms);
});

test("callers: HTTP API adds float seconds and keeps Prometheus's one message", () => {
  assert.equal(apiDuration("1.5"), 1500);
  assert.equal(apiDuration("15"), 15000);
  assert.equal(apiDuration("1h30m"), 1.5 * H);
  assert.equal(apiDuration("9223372036"), 9223372036000);
  assert.throws(() => apiDuration("9223372037"), { message: 'cannot parse "9223372037" to a valid duration. It overflows int64' });
  for (const bad of ["1h1h", "1m1h", "293y", "1.5h", "-1m", ""]) {
    assert.throws(() => apiDuration(bad), { message: `cannot parse ${JSON.stringify(bad)} to a valid duration` });
  }
});

test("callers: config and flags add bare seconds, reject what Prometheus rejects", () => {
  assert.equal(configDuration(3), 3000);
  assert.equal(configDuration("0"), 0);
  assert.equal(configDuration("2.5"), 2500);
  assert.equal(configDuration(" 1h30m "), 1.5 * H);
  assert.throws(() => configDuration("1m1h"), { message: 'invalid duration "1m1h"' });
  assert.throws(() => configDuration("293y"), { message: 'invalid duration "293y": duration out of range' });
  assert.throws(() => configDuration(""), { message: 'invalid duration "": empty duration string' });
});

test("callers: PromQL reports an over-long duration as promtool does", async () => {
  const queries = ["foo[293y]", "foo offset 293y", "foo[5m:293y]", "foo offset -293y", "foo[9223372036855ms]", "foo[292y]", "foo[1y2w]"];
  const dir = await mkdtemp(join(tmpdir(), "aeon-duration-"));
  try {
    const file = join(dir, "q.yml");
    let yml = "groups:\n";
    queries.forEach((q, i) => (yml += `- name: g${i}\n  rules:\n  - record: r\n    expr: ${JSON.stringify(q)}\n`));
    await writeFile(file, yml);
    const out: string = await new Promise((resolve) => execFile("promtool", ["check", "rules", file], (_e, so, se) => resolve(so + se)));
    assert.ok(out.includes("Checking"), `promtool did not run: ${out}`);
    const theirs = new Map<number, string>();
    for (const line of out.split("\n")) {
      const r = /group "g(\d+)", rule 1, "r": could not parse expression: (.*)$/.exec(line);
      if (r) theirs.set(Number(r[1]), r[2]);
    }
    queries.forEach((q, i) => {
      let mine = "OK";
      try {
        parse(q);
      } catch (e) {
        mine = (e as Error).message;
      }
      assert.equal(mine, theirs.get(i) ?? "OK", q);
    });
    assert.equal(theirs.get(0), "1:5: parse error: duration out of range"); // the comparison is not vacuous
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
