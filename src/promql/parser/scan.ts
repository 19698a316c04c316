// A light token scan of the raw query, used where lezer's tree is not enough: to prepare the
// text lezer sees (same length, so positions stay valid) and to produce Prometheus's lexer
// error messages, which lezer does not have.
import { functions } from "./functions.ts";

export interface Word {
  text: string;
  start: number;
  end: number;
  callParen: boolean; // followed (after blanks) by "("
  durationContext: boolean; // inside [...] or right after `offset`
  inBraces: boolean; // a label name inside {...}
}

// Identifiers outside strings and comments.
export function words(src: string): Word[] {
  const out: Word[] = [];
  let brackets = 0;
  let braces = 0;
  for (let i = 0; i < src.length; ) {
    const c = src[i];
    if (c === "[") brackets++;
    if (c === "]") brackets = Math.max(0, brackets - 1);
    if (c === "{") braces++;
    if (c === "}") braces = Math.max(0, braces - 1);
    if (c === '"' || c === "'" || c === "`") {
      i = skipString(src, i);
      continue;
    }
    if (c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    if (/[A-Za-z_:]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_:]/.test(src[j])) j++;
      let k = j;
      while (k < src.length && /\s/.test(src[k])) k++;
      const afterOffset = /offset[\s\-+(]*$/i.test(src.slice(Math.max(0, i - 40), i));
      out.push({ text: src.slice(i, j), start: i, end: j, callParen: src[k] === "(", durationContext: brackets > 0 || afterOffset, inBraces: braces > 0 });
      i = j;
      continue;
    }
    if (/[0-9.]/.test(c)) {
      // Numbers and durations (5m, 1e3, 0x1f) are one token, so their letters are no words.
      let j = i + 1;
      while (j < src.length && /[0-9A-Za-z_.]/.test(src[j])) {
        if ((src[j] === "e" || src[j] === "E") && (src[j + 1] === "+" || src[j + 1] === "-")) j++;
        j++;
      }
      i = j;
      continue;
    }
    i++;
  }
  return out;
}

export function skipString(src: string, i: number): number {
  const q = src[i];
  let j = i + 1;
  while (j < src.length && src[j] !== q) {
    if (q !== "`" && src[j] === "\\") j++;
    else if (q !== "`" && src[j] === "\n") return j;
    j++;
  }
  return j + 1;
}

function standIn(w: Word, src: string): string | undefined {
  // `offset` is also a valid metric name where an operand starts; lezer always reads the
  // keyword, so give it a plain identifier of the same length there.
  if (w.text.toLowerCase() === "offset" && !w.inBraces && startsOperand(src, w.start)) return "offse_";
  if (!w.callParen) return undefined;
  const rep = STAND_INS[w.text] ?? (w.durationContext ? undefined : EXPR_STAND_INS[w.text.toLowerCase()]);
  if (rep) return rep;
  // Prometheus parses `name(…)` as a call whatever the name, and reports an unknown name only
  // after the arguments parsed; a known name of the same or shorter length (blank-padded)
  // lets lezer parse the arguments too. The builder reads the real name from the query.
  if (isUnknownCall(w, src)) return (w.text.length >= 3 ? "abs" : w.text.length === 2 ? "ln" : "").padEnd(w.text.length, " ");
  if (CASE_FREE.has(w.text.toLowerCase()) && w.text !== w.text.toLowerCase()) return w.text.toLowerCase();
  return undefined;
}

// Function names the lezer grammar (0.315) lacks, mapped to a known name of the same length
// so the text keeps its positions; the builder reads the real name from the original text.
const STAND_INS: Record<string, string> = { integral: "increase" };
// min_of/max_of are duration-expression keywords inside [..] and after offset, and scalar
// functions elsewhere; lezer only knows the former.
const EXPR_STAND_INS: Record<string, string> = { min_of: "minute", max_of: "minute" };
// Duration-expression and @ keywords Prometheus accepts in any case; the lezer grammar only
// knows them in lower case.
const CASE_FREE = new Set(["step", "range", "min_of", "max_of", "start", "end"]);

export function lezerInput(src: string): string {
  let out = src;
  for (const w of words(src)) {
    const rep = standIn(w, src);
    if (rep) out = out.slice(0, w.start) + rep + out.slice(w.end);
  }
  return blankTrailingDots(out);
}

const NOT_FUNCTIONS = new Set([
  "sum", "avg", "count", "min", "max", "group", "stddev", "stdvar", "topk", "bottomk", "count_values", "quantile", "limitk", "limit_ratio",
  "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "atan2", "offset",
  "fill", "fill_left", "fill_right", "start", "end", "step", "range", "anchored", "smoothed",
]);

function isUnknownCall(w: Word, src: string): boolean {
  return (
    w.callParen && !w.inBraces && !w.durationContext && !w.text.includes(":") && !functions.has(w.text) &&
    !NOT_FUNCTIONS.has(w.text.toLowerCase()) && !/@\s*$/.test(src.slice(0, w.start))
  );
}

// A one-letter `x(` has no same-length stand-in: lezer sees a parenthesis. Prometheus reports
// it as an unknown function once the query parses.
export function oneLetterUnknownCall(src: string): Word | undefined {
  return words(src).find((w) => w.text.length === 1 && isUnknownCall(w, src));
}

// Go accepts "2." as a number, lezer's grammar does not: outside strings, a dot that ends a
// number is replaced by a blank (same length, the number's value is unchanged).
function blankTrailingDots(src: string): string {
  let out = "";
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "'" || c === "`") {
      const j = Math.min(skipString(src, i), src.length);
      out += src.slice(i, j);
      i = j - 1;
      continue;
    }
    if (c === "." && /[0-9]/.test(src[i - 1] ?? "") && !/[0-9A-Za-z_]/.test(src[i + 1] ?? "")) {
      let k = i - 1;
      while (k >= 0 && /[0-9_]/.test(src[k])) k--;
      if (k < 0 || !/[A-Za-z_:.]/.test(src[k])) {
        out += " ";
        continue;
      }
    }
    out += c;
  }
  return out;
}

const BINARY_KEYWORD = /(?:^|[^A-Za-z0-9_:])(and|or|unless|bool|atan2)\s*$/i;

// Whether an operand (not a modifier) starts at `pos`: at the beginning, after an opening
// bracket, a comma, an operator or a binary keyword.
function startsOperand(src: string, pos: number): boolean {
  const before = src.slice(0, pos).trimEnd();
  if (before === "") return true;
  if (/[(,+\-*/%^=<>!{[]$/.test(before)) return true;
  // A binary keyword only after an operand (a leading `and` is itself a metric name).
  const m = BINARY_KEYWORD.exec(before);
  if (!m) return false;
  const rest = before.slice(0, before.length - m[1].length).trimEnd();
  return rest !== "" && !/[(,+\-*/%^=<>!{[]$/.test(rest);
}
