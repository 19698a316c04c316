// Reads a PromQL test script (format: ../shared/conformance/promql/README.md) into commands.
import type { Labels } from "../../labels/labels.ts";
import { parseDurationMs, parseNumber, unquoteString } from "../parser/lexical.ts";
import { parseMetric, parseStartOffsets, parseValues, splitMetric, type SeqValue } from "./notation.ts";

export interface LoadCmd {
  kind: "load";
  line: number;
  stepMs: number;
  nhcb: boolean;
  // startOffsets: per-sample start-timestamp offsets (ms, relative to the sample time) from
  // a preceding `metric@st` line; null where none.
  series: { labels: Labels; values: SeqValue[]; startOffsets?: (number | null)[] }[];
}

export interface ClearCmd {
  kind: "clear";
  line: number;
}

export interface Expectation {
  kind: "fail" | "warn" | "info";
  msg?: string;
  regex?: RegExp;
}

export interface ExpectedSeries {
  labels: Labels;
  values: SeqValue[];
  line: number;
}

export interface EvalCmd {
  kind: "eval";
  line: number;
  query: string;
  range: boolean;
  start: number; // ms (instant: the evaluation time)
  end: number;
  step: number;
  expectations: Expectation[];
  noWarn: boolean;
  noInfo: boolean;
  ordered: boolean;
  rangeVector: { start: number; end: number; step: number } | null;
  expectString: string | null;
  expectScalar: number | null;
  series: ExpectedSeries[];
  usesHistogramNotation: boolean;
}

export type Command = LoadCmd | ClearCmd | EvalCmd;

export class ScriptError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

// Script times: Prometheus durations ("50m", "20s500ms") or plain seconds ("0", "100").
export function parseTime(s: string): number {
  const t = s.trim();
  if (/^-?[0-9.]+(e[+-]?\d+)?$/i.test(t)) return Math.round(parseNumber(t) * 1000);
  if (t.startsWith("-")) return -parseDurationMs(t.slice(1));
  return parseDurationMs(t);
}

const INSTANT_RE = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+at\s+(\S+)\s+(.+)$/;
const RANGE_RE = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.+)$/;

export function parseScript(text: string): Command[] {
  const lines = text.split("\n").map((l) => {
    const t = l.trim();
    return t.startsWith("#") ? "" : t;
  });
  const cmds: Command[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l === "") continue;
    // `clear` is one line; other commands take the following non-blank lines too.
    if (l === "clear") {
      cmds.push({ kind: "clear", line: i + 1 });
      continue;
    }
    const body: { text: string; line: number }[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j] !== "") body.push({ text: lines[j], line: j + 1 }), j++;
    cmds.push(parseCommand(l, i + 1, body));
    i = j - 1;
  }
  return cmds;
}

function parseCommand(first: string, line: number, body: { text: string; line: number }[]): Command {
  const word = first.split(/\s+/)[0];
  try {
    if (word === "clear") return { kind: "clear", line };
    if (word === "load" || word === "load_with_nhcb") return parseLoad(first, line, body, word === "load_with_nhcb");
    if (word.startsWith("eval")) return parseEval(first, line, body);
  } catch (e) {
    if (e instanceof ScriptError) throw e;
    throw new ScriptError(line, (e as Error).message);
  }
  throw new ScriptError(line, `unknown command ${JSON.stringify(first)}`);
}

function parseLoad(first: string, line: number, body: { text: string; line: number }[], nhcb: boolean): LoadCmd {
  const parts = first.split(/\s+/);
  if (parts.length !== 2) throw new ScriptError(line, `invalid load command ${JSON.stringify(first)}`);
  const cmd: LoadCmd = { kind: "load", line, stepMs: parseDurationMs(parts[1]), nhcb, series: [] };
  let pending: (number | null)[] | undefined;
  for (const b of body) {
    let [metric, rest] = splitMetric(b.text);
    try {
      // `metric@st <offsets>`: start-timestamp offsets for the sample line that follows.
      if (rest.startsWith("@st") || metric.endsWith("@st")) {
        if (rest.startsWith("@st")) rest = rest.slice(3);
        pending = parseStartOffsets(rest);
        continue;
      }
      cmd.series.push({ labels: parseMetric(metric), values: parseValues(rest), ...(pending ? { startOffsets: pending } : {}) });
      pending = undefined;
    } catch (e) {
      throw new ScriptError(b.line, (e as Error).message);
    }
  }
  return cmd;
}

function parseEval(first: string, line: number, body: { text: string; line: number }[]): EvalCmd {
  const cmd: EvalCmd = {
    kind: "eval", line, query: "", range: false, start: 0, end: 0, step: 0, expectations: [], noWarn: false, noInfo: false,
    ordered: false, rangeVector: null, expectString: null, expectScalar: null, series: [], usesHistogramNotation: false,
  };
  let legacy: string | undefined;
  let m = INSTANT_RE.exec(first);
  if (m) {
    legacy = m[1];
    cmd.start = cmd.end = parseTime(m[2]);
    cmd.query = m[3];
  } else if ((m = RANGE_RE.exec(first))) {
    legacy = m[1];
    cmd.range = true;
    cmd.start = parseTime(m[2]);
    cmd.end = parseTime(m[3]);
    cmd.step = parseTime(m[4]);
    cmd.query = m[5];
  } else throw new ScriptError(line, `invalid eval command ${JSON.stringify(first)}`);
  if (legacy === "fail") cmd.expectations.push({ kind: "fail" });
  if (legacy === "warn") cmd.expectations.push({ kind: "warn" });
  if (legacy === "info") cmd.expectations.push({ kind: "info" });
  if (legacy === "ordered") cmd.ordered = true;
  if (cmd.query.includes("{{")) cmd.usesHistogramNotation = true;
  for (const b of body) {
    const t = b.text;
    if (t.startsWith("expected_fail_message ")) {
      const f = cmd.expectations.find((x) => x.kind === "fail");
      if (f) f.msg = t.slice("expected_fail_message ".length).trim();
      continue;
    }
    if (t.startsWith("expected_fail_regexp ")) {
      const f = cmd.expectations.find((x) => x.kind === "fail");
      if (f) f.regex = new RegExp(t.slice("expected_fail_regexp ".length).trim());
      continue;
    }
    if (/^expect\s/.test(t)) {
      parseExpect(cmd, t.slice(6).trim(), b.line);
      continue;
    }
    if (!/\s/.test(t) && isNumberToken(t)) {
      cmd.expectScalar = parseNumber(t);
      continue;
    }
    const [metric, rest] = splitMetric(t);
    try {
      const values = parseValues(rest);
      if (rest.includes("{{")) cmd.usesHistogramNotation = true;
      cmd.series.push({ labels: parseMetric(metric), values, line: b.line });
    } catch (e) {
      throw new ScriptError(b.line, (e as Error).message);
    }
  }
  return cmd;
}

function parseExpect(cmd: EvalCmd, rest: string, line: number): void {
  const m = /^(fail|warn|info)(?:\s+(msg|regex):\s?(.*))?$/.exec(rest);
  if (m) {
    const e: Expectation = { kind: m[1] as Expectation["kind"] };
    if (m[2] === "msg") e.msg = m[3].trim();
    if (m[2] === "regex") e.regex = new RegExp(m[3].trim());
    cmd.expectations.push(e);
    return;
  }
  if (rest === "no_warn") return void (cmd.noWarn = true);
  if (rest === "no_info") return void (cmd.noInfo = true);
  if (rest === "ordered") return void (cmd.ordered = true);
  let r = /^range vector from (\S+) to (\S+) step (\S+)$/.exec(rest);
  if (r) return void (cmd.rangeVector = { start: parseTime(r[1]), end: parseTime(r[2]), step: parseTime(r[3]) });
  r = /^string\s+(.*)$/.exec(rest);
  if (r) return void (cmd.expectString = unquoteString(r[1].trim()));
  throw new ScriptError(line, `invalid expect line ${JSON.stringify(rest)}`);
}

function isNumberToken(t: string): boolean {
  try {
    parseNumber(t);
    return true;
  } catch {
    return false;
  }
}
