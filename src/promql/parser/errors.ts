// Prometheus-style syntax error messages. lezer only tells where parsing failed; these
// reproduce what Prometheus's lexer (unbalanced brackets, unterminated strings, stray
// characters) and its yacc parser ("unexpected <token>") say for the same input.
import { ParseError } from "../api.ts";
import { lineCol } from "./lexical.ts";
import { isDurationSyntax } from "../../duration/index.ts";
import { skipString } from "./scan.ts";

export function parseError(src: string, start: number, end: number, msg: string): ParseError {
  return new ParseError(`${lineCol(src, start)}: parse error: ${msg}`, start, end);
}

interface LexIssue {
  pos: number; // where Prometheus reports it
  at?: number; // where the offending token starts, when different
  msg: string;
}

// The first error Prometheus's lexer would report, scanning left to right. Like its lexer,
// parentheses are counted, one bracket may be open, and braces switch to a stricter state.
export function lexerIssue(src: string): LexIssue | null {
  let parens = 0;
  let bracketOpen = false;
  let inBraces = false;
  for (let i = 0; i < src.length; ) {
    const c = src[i];
    if (c === '"' || c === "'" || c === "`") {
      const j = skipString(src, i);
      if (j > src.length || src[j - 1] !== c || j - 1 === i) return { pos: i, msg: c === "`" ? "unterminated raw string" : "unterminated quoted string" };
      i = j;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (inBraces) {
      if (/[A-Za-z_]/.test(c)) {
        while (i < src.length && /[A-Za-z0-9_:]/.test(src[i])) i++;
        continue;
      }
      if (c === "," || c === "=") {
        i += c === "=" && src[i + 1] === "~" ? 2 : 1;
        continue;
      }
      if (c === "!") {
        const n = src[i + 1] ?? "";
        if (n !== "=" && n !== "~") return { pos: i, msg: `unexpected character after '!' inside braces: ${goQuoteRune(n)}` };
        i += 2;
        continue;
      }
      if (c === "{") return { pos: i, msg: "unexpected left brace '{'" };
      if (c === "}") {
        inBraces = false;
        i++;
        continue;
      }
      return { pos: i, msg: `unexpected character inside braces: ${goQuoteRune(c)}` };
    }
    if (c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    switch (c) {
      case "(":
        parens++;
        i++;
        continue;
      case ")":
        parens--;
        // Prometheus emits the token before noticing, so it reports the position after it.
        if (parens < 0) return { pos: i + 1, at: i, msg: "unexpected right parenthesis ')'" };
        i++;
        continue;
      case "{":
        inBraces = true;
        i++;
        continue;
      case "[":
        if (bracketOpen) return { pos: i, msg: "unexpected left bracket '['" };
        bracketOpen = true;
        i++;
        continue;
      case "]":
        if (!bracketOpen) return { pos: i, msg: "unexpected right bracket ']'" };
        bracketOpen = false;
        i++;
        continue;
      case "=":
        if (src[i + 1] === "~") return { pos: i, msg: "unexpected character after '=': '~'" };
        i += src[i + 1] === "=" ? 2 : 1;
        continue;
      case "!":
        if (src[i + 1] !== "=") return { pos: i, msg: `unexpected character after '!': ${goQuoteRune(src[i + 1] ?? "")}` };
        i += 2;
        continue;
    }
    if (/[0-9.]/.test(c) && !(c === "." && !/[0-9]/.test(src[i + 1] ?? ""))) {
      let j = i + 1;
      while (j < src.length && /[0-9A-Za-z_.]/.test(src[j])) {
        if ((src[j] === "e" || src[j] === "E") && (src[j + 1] === "+" || src[j + 1] === "-") && /^[0-9.]+$/.test(src.slice(i, j))) j++;
        j++;
      }
      const tok = src.slice(i, j);
      if (!isNumberOrDuration(tok)) return { pos: i, msg: `bad number or duration syntax: ${JSON.stringify(tok)}` };
      i = j;
      continue;
    }
    if (/[A-Za-z_:]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_:]/.test(src[i])) i++;
      continue;
    }
    if (/[,+\-*/%^@<>:]/.test(c)) {
      i++;
      continue;
    }
    return { pos: i, msg: `unexpected character: ${goQuoteRune(c)}` };
  }
  if (inBraces) return { pos: src.length, msg: "unexpected end of input inside braces" };
  if (parens > 0) return { pos: src.length, msg: "unclosed left parenthesis" };
  if (bracketOpen) return { pos: src.length, msg: "unclosed left bracket" };
  return null;
}

function isNumberOrDuration(t: string): boolean {
  if (/^(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d+)?$/.test(t)) return true;
  if (/^0[xX][0-9a-fA-F_]+$/.test(t)) return true;
  // Shape only: a duration too long to fit is still a duration token here; its range is
  // reported where its value is read.
  return isDurationSyntax(t);
}

function goQuoteRune(ch: string): string {
  if (ch === "") return "'\\x00'";
  if (ch === "'") return "'\\''";
  return `'${ch}'`;
}

const OPERATORS = new Set(["+", "-", "*", "/", "%", "^", "==", "!=", "<", "<=", ">", ">=", "=~", "!~", "=", "@", "and", "or", "unless", "atan2"]);
const AGGREGATORS = new Set(["sum", "avg", "count", "min", "max", "group", "stddev", "stdvar", "topk", "bottomk", "count_values", "quantile", "limitk", "limit_ratio"]);
const KEYWORDS = new Set(["bool", "by", "group_left", "group_right", "ignoring", "offset", "on", "without", "start", "end", "anchored", "smoothed", "fill", "fill_left", "fill_right"]);
const PUNCT: Record<string, string> = {
  "(": '"("', ")": '")"', "[": '"["', "]": '"]"', "{": '"{"', "}": '"}"', ",": '","', ":": '":"',
};

// The token at `pos` as Prometheus describes it in "unexpected …" messages.
export function describeToken(src: string, pos: number, wordsAreIdentifiers = false): { desc: string; end: number } {
  let i = pos;
  while (i < src.length && /\s/.test(src[i])) i++;
  if (i >= src.length) return { desc: "end of input", end: i };
  const c = src[i];
  if (c === ":" && /^:[A-Za-z0-9_:]*/.test(src.slice(i)) && !insideBrackets(src, i)) {
    const w = /^:[A-Za-z0-9_:]*/.exec(src.slice(i))![0];
    return { desc: `metric identifier ${quoteShort(w)}`, end: i + w.length };
  }
  if (PUNCT[c]) return { desc: PUNCT[c], end: i + 1 };
  if (c === '"' || c === "'" || c === "`") {
    const j = Math.min(skipString(src, i), src.length);
    return { desc: `string ${quoteShort(src.slice(i, j))}`, end: j };
  }
  const two = src.slice(i, i + 2);
  if (c === "=" && (two !== "==" || wordsAreIdentifiers) && two !== "=~") return { desc: '"="', end: i + 1 };
  for (const op of [two, c]) {
    // Inside braces `=` & co. are matcher tokens, printed quoted.
    if (OPERATORS.has(op) && /[^\w]/.test(op[0])) return { desc: wordsAreIdentifiers ? JSON.stringify(op) : `<op:${op}>`, end: i + op.length };
  }
  const word = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(src.slice(i))?.[0];
  if (word) {
    const lw = word.toLowerCase();
    if (word.includes(":")) return { desc: `metric identifier ${quoteShort(word)}`, end: i + word.length };
    if (wordsAreIdentifiers) return { desc: `identifier ${quoteShort(word)}`, end: i + word.length };
    if (OPERATORS.has(lw)) return { desc: `<op:${lw}>`, end: i + word.length };
    if (AGGREGATORS.has(lw)) return { desc: `<aggr:${lw}>`, end: i + word.length };
    if (KEYWORDS.has(lw)) return { desc: `<${lw}>`, end: i + word.length };
    return { desc: `identifier ${quoteShort(word)}`, end: i + word.length };
  }
  const num = /^[0-9.][0-9A-Za-z_.]*/.exec(src.slice(i))?.[0];
  if (num) return { desc: `${/[a-z]$/i.test(num) && !/^0x/i.test(num) ? "duration" : "number"} ${quoteShort(num)}`, end: i + num.length };
  return { desc: quoteShort(c), end: i + 1 };
}

// Go's %q, shortened like Prometheus's Item.String for long values (`%.10q...`).
function quoteShort(s: string): string {
  if (s.length > 10) return JSON.stringify(s.slice(0, 10)) + "...";
  return JSON.stringify(s);
}

interface ErrNode {
  name: string;
  from: number;
  parent: ErrNode | null;
  prevSibling: { name: string } | null;
}

// Prometheus's " in <context>, expected <what>" suffix for an error at lezer error node `err`:
// the context of the innermost grammar rule with an error production around the bad token.
export function errorContext(err: ErrNode, src: string): { suffix: string; identifiers: boolean } {
  const none = { suffix: "", identifiers: false };
  const parent = err.parent;
  const prev = err.prevSibling?.name;
  // lezer may have invented an opening token while recovering; such a node is no context.
  const opens = (n: ErrNode, ch: string) => src[n.from] === ch;
  switch (parent?.name) {
    case "LabelMatchers":
      if (!opens(parent, "{")) break;
      return { suffix: prev && prev !== "{" ? ' in label matching, expected "," or "}"' : ' in label matching, expected identifier or "}"', identifiers: true };
    case "UnquotedLabelMatcher":
    case "QuotedLabelMatcher":
      if (!parent.parent || !opens(parent.parent, "{")) break;
      return { suffix: prev === "MatchOp" ? " in label matching, expected string" : " in label matching, expected label matching operator", identifiers: true };
    case "GroupingLabels":
      if (opens(parent, "(")) return { suffix: " in grouping opts, expected label", identifiers: false };
      break;
    case "AggregateModifier":
    case "MatchingModifierClause":
      return { suffix: ' in grouping opts, expected "("', identifiers: false };
    case "OffsetExpr":
      if (prev === "Offset") return { suffix: " in offset, expected duration", identifiers: false };
      break;
    case "StepInvariantExpr":
      if (prev === "At" || prev === "AtModifierPreprocessors") return { suffix: " in @, expected timestamp", identifiers: false };
      break;
    case "MatrixSelector":
      if (prev === "DurationExpr") return { suffix: ' in subquery or range, expected ":" or "]"', identifiers: false };
      break;
    case "SubqueryExpr":
      if (prev === "DurationExpr") return { suffix: ' in subquery selector, expected "]"', identifiers: false };
      break;
    case "AggregateExpr":
      // Right after the operator Prometheus still reads `sum` as a metric name: no context.
      if (prev === "AggregateModifier" || prev === "FunctionCallBody") return { suffix: " in aggregation", identifiers: false };
      return none;
  }
  // Inside an aggregation's parentheses, errors without a closer context are "in aggregation".
  let prevNode: ErrNode | null = null;
  for (let n: ErrNode | null = parent; n; prevNode = n, n = n.parent) {
    if (n.name === "AggregateExpr" && prevNode?.name === "FunctionCallBody") return { suffix: " in aggregation", identifiers: false };
    if ((n.name === "LabelMatchers" && opens(n, "{")) || n.name === "GroupingLabels") break;
  }
  if (parent?.name === "FunctionCallBody" && parent.parent?.name === "AggregateExpr") return { suffix: " in aggregation", identifiers: false };
  return none;
}

function insideBrackets(src: string, pos: number): boolean {
  let depth = 0;
  for (let i = 0; i < pos; i++) {
    if (src[i] === "[") depth++;
    else if (src[i] === "]") depth = Math.max(0, depth - 1);
  }
  return depth > 0;
}
