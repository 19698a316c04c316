// The test scripts' series notation: `metric{labels} <values>` where values are numbers,
// `a+bxn` / `a-bxn` / `axn` expansions, `_` / `_xn` gaps, `stale`, and `{{…}}` native
// histograms (with `h1+h2xn`, `h1-h2xn`, `h1xn`).
import { fromRecord, type Label } from "../../labels/labels.ts";
import type { FloatHistogram } from "../histogram.ts";
import { parseDurationMs, parseNumber, unquoteString } from "../parser/lexical.ts";
import { addHistograms, parseHistogram } from "./histogram-notation.ts";

export class NotationError extends Error {}

// One step of a sequence: omitted (`_`), a float, or a histogram.
export type SeqValue = { omitted: true } | { omitted?: false; v: number; h?: FloatHistogram; stale?: boolean };

// Splits "metric{...} rest" into the metric text and the rest (braces and quotes respected).
export function splitMetric(line: string): [string, string] {
  let i = 0;
  let depth = 0;
  for (; i < line.length; i++) {
    const c = line[i];
    if (c === '"' || c === "'" || c === "`") {
      const q = c;
      for (i++; i < line.length && line[i] !== q; i++) if (line[i] === "\\" && q !== "`") i++;
      continue;
    }
    if (c === "{") depth++;
    else if (c === "}") {
      depth--;
      if (depth === 0) {
        i++;
        break;
      }
    } else if (/\s/.test(c) && depth === 0) break;
  }
  return [line.slice(0, i), line.slice(i).trim()];
}

// `name{a="b", "c.d"="e"}`, `{}`, `{"name", a="b"}` -> sorted labels (with __name__).
export function parseMetric(text: string): Label[] {
  const rec: Record<string, string> = {};
  const brace = text.indexOf("{");
  const name = (brace < 0 ? text : text.slice(0, brace)).trim();
  if (name) rec.__name__ = name;
  if (brace < 0) return fromRecord(rec);
  if (!text.endsWith("}")) throw new NotationError(`bad metric ${JSON.stringify(text)}`);
  const body = text.slice(brace + 1, -1);
  let i = 0;
  const skipWs = () => {
    while (i < body.length && /\s/.test(body[i])) i++;
  };
  const readString = (): string => {
    const q = body[i];
    let j = i + 1;
    while (j < body.length && body[j] !== q) j += body[j] === "\\" && q !== "`" ? 2 : 1;
    const s = unquoteString(body.slice(i, j + 1));
    i = j + 1;
    return s;
  };
  while (true) {
    skipWs();
    if (i >= body.length) break;
    let label: string;
    if (body[i] === '"' || body[i] === "'" || body[i] === "`") label = readString();
    else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(body.slice(i));
      if (!m) throw new NotationError(`bad label in ${JSON.stringify(text)}`);
      label = m[0];
      i += label.length;
    }
    skipWs();
    if (body[i] === "=") {
      i++;
      skipWs();
      rec[label] = readString();
    } else rec.__name__ = label; // a bare quoted name is the metric name
    skipWs();
    if (body[i] === ",") i++;
  }
  return fromRecord(rec);
}

// Whitespace-separated value items; a `{{…}}` histogram (which contains blanks) is one item
// together with any `+{{…}}xN` expansion glued to it.
function valueItems(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i])) i++;
    if (i >= s.length) break;
    let j = i;
    while (j < s.length && !/\s/.test(s[j])) {
      if (s.startsWith("{{", j)) {
        const end = s.indexOf("}}", j);
        if (end < 0) throw new NotationError(`unterminated histogram in ${JSON.stringify(s)}`);
        j = end + 2;
      } else j++;
    }
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

const NUM = String.raw`(?:[+-]?(?:Inf|inf|NaN|nan|(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))`;
const FLOAT_ITEM = new RegExp(`^(${NUM})(?:([+-])(${NUM.replace("[+-]?", "")})?)?(?:x(\\d+))?$`);

export function parseValues(s: string): SeqValue[] {
  const out: SeqValue[] = [];
  for (const item of valueItems(s)) {
    if (item === "_") {
      out.push({ omitted: true });
      continue;
    }
    let m = /^_x(\d+)$/.exec(item);
    if (m) {
      for (let k = 0; k < Number(m[1]); k++) out.push({ omitted: true });
      continue;
    }
    if (item === "stale") {
      out.push({ v: NaN, stale: true });
      continue;
    }
    if (item.startsWith("{{")) {
      out.push(...histogramItem(item));
      continue;
    }
    m = FLOAT_ITEM.exec(item);
    if (!m || (m[2] && !m[4] && !m[3])) throw new NotationError(`bad value ${JSON.stringify(item)}`);
    if (m[2] && !m[4]) throw new NotationError(`bad value ${JSON.stringify(item)}`);
    let v = parseNumber(m[1]);
    if (!m[4]) {
      out.push({ v });
      continue;
    }
    const times = Number(m[4]);
    const inc = m[3] !== undefined ? parseNumber(m[3]) * (m[2] === "-" ? -1 : 1) : 0;
    for (let k = 0; k <= times; k++) {
      out.push({ v });
      v += inc;
    }
  }
  return out;
}

function histogramItem(item: string): SeqValue[] {
  const end = item.indexOf("}}") + 2;
  const base = parseHistogram(item.slice(0, end));
  const rest = item.slice(end);
  if (rest === "") return [{ v: 0, h: base }];
  let m = /^x(\d+)$/.exec(rest);
  if (m) return Array.from({ length: Number(m[1]) + 1 }, () => ({ v: 0, h: structuredClone(base) }));
  m = /^([+-])(\{\{.*\}\})x(\d+)$/.exec(rest);
  if (!m) throw new NotationError(`bad histogram value ${JSON.stringify(item)}`);
  const inc = parseHistogram(m[2]);
  const out: SeqValue[] = [{ v: 0, h: base }];
  let cur = base;
  for (let k = 1; k <= Number(m[3]); k++) {
    cur = addHistograms(cur, inc, m[1] === "-" ? -1 : 1);
    out.push({ v: 0, h: cur });
  }
  return out;
}

const DUR = String.raw`(?:\d+(?:ms|[smhdwy]))+|\d+(?:\.\d+)?`;
const OFFSET_ITEM = new RegExp(`^([+-]?)(${DUR})(?:([+-])(${DUR}))?(?:x(\\d+))?$`);

// `@st` lines: offsets written as durations (`-30s`, `-1m-1mx2`, `_`, `-59999msx15`), in ms.
export function parseStartOffsets(s: string): (number | null)[] {
  const out: (number | null)[] = [];
  const dur = (t: string) => (/^\d+(\.\d+)?$/.test(t) ? Number(t) * 1000 : parseDurationMs(t));
  for (const item of s.trim().split(/\s+/).filter(Boolean)) {
    if (item === "_") {
      out.push(null);
      continue;
    }
    const gap = /^_x(\d+)$/.exec(item);
    if (gap) {
      for (let k = 0; k < Number(gap[1]); k++) out.push(null);
      continue;
    }
    const m = OFFSET_ITEM.exec(item);
    if (!m) throw new NotationError(`bad start-timestamp offset ${JSON.stringify(item)}`);
    let v = (m[1] === "-" ? -1 : 1) * dur(m[2]);
    if (!m[5]) {
      out.push(v);
      continue;
    }
    const inc = m[4] ? (m[3] === "-" ? -1 : 1) * dur(m[4]) : 0;
    for (let k = 0; k <= Number(m[5]); k++) {
      out.push(v);
      v += inc;
    }
  }
  return out;
}
