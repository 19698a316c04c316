// PromQL parser: query text -> AST (src/promql/ast.ts), with Prometheus's checks and error
// messages. Built on the lezer grammar the Prometheus UI ships (@prometheus-io/lezer-promql).
import { parser as lezer } from "@prometheus-io/lezer-promql";
import type { SyntaxNode } from "@lezer/common";
import { defaultFeatures, ParseError, type FeatureFlags } from "../api.ts";
import type { Expr } from "../ast.ts";
import { buildExpr } from "./build.ts";
import { checkExpr } from "./check.ts";
import { describeToken, errorContext, lexerIssue, parseError } from "./errors.ts";
import { lezerInput, oneLetterUnknownCall, skipString } from "./scan.ts";

export { functions, getFunction } from "./functions.ts";
export { unquoteString, parseDurationMs, parseNumber, lineCol } from "./lexical.ts";

export interface ParseOptions {
  features?: FeatureFlags;
}

export function parse(query: string, opts: ParseOptions = {}): Expr {
  const features = opts.features ?? defaultFeatures;
  if (query.trim() === "" || /^\s*(#[^\n]*\s*)*$/.test(query)) throw parseError(query, 0, 0, "no expression found in input");
  const tree = lezer.parse(lezerInput(query));
  const top = tree.topNode;
  const err = firstError(top);
  if (err) throw semanticErrorBefore(query, err.from, features) ?? syntaxError(query, err);
  // lezer is lenient where Prometheus's lexer is not (e.g. a missing closing quote).
  const lex = lexerIssue(query);
  if (lex) throw parseError(query, lex.pos, query.length, lex.msg);
  const expr = buildExpr(top, { src: query, features });
  const oneLetter = oneLetterUnknownCall(query);
  if (oneLetter) throw parseError(query, oneLetter.start, oneLetter.end, `unknown function with name ${JSON.stringify(oneLetter.text)}`);
  checkExpr(query, expr);
  return expr;
}

function firstError(top: SyntaxNode): SyntaxNode | null {
  let found: SyntaxNode | null = null;
  top.cursor().iterate((n) => {
    if (found) return false;
    if (n.type.isError) {
      found = n.node;
      return false;
    }
    return true;
  });
  return found;
}

// Prometheus's grammar actions (offset/@/range placement, aggregation arity, unknown
// functions, …) run as soon as their rule is complete, so such an error in front of a syntax
// error is the one reported. Find the longest prefix before the syntax error that parses
// (closing any parentheses still open) and report its construction error, if it has one.
function semanticErrorBefore(src: string, errFrom: number, features: FeatureFlags): ParseError | null {
  const cuts = new Set<number>([errFrom]);
  for (let k = errFrom - 1; k > 0; k--) if (/\s/.test(src[k]) && !/\s/.test(src[k - 1])) cuts.add(k);
  for (const k of [...cuts].sort((a, b) => b - a)) {
    const prefix = src.slice(0, k).trimEnd();
    if (prefix === "") break;
    const closers = openClosers(prefix);
    if (closers === null) continue;
    const candidate = prefix + closers;
    const tree = lezer.parse(lezerInput(candidate));
    if (firstError(tree.topNode) || lexerIssue(candidate)) continue;
    try {
      buildExpr(tree.topNode, { src: candidate, features });
    } catch (e) {
      // Only errors of nodes complete in the query itself, not completed by our closers.
      if (e instanceof ParseError && e.positionEnd <= prefix.length) return e;
    }
    return null;
  }
  return null;
}

// The brackets that close what `s` leaves open, or null when it has an unterminated string,
// a comment or an open brace.
function openClosers(s: string): string | null {
  const stack: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'" || c === "`") {
      const j = skipString(s, i);
      if (j > s.length || s[j - 1] !== c || j - 1 === i) return null;
      i = j - 1;
    } else if (c === "#") return null;
    else if (c === "(") stack.push(")");
    else if (c === "[") stack.push("]");
    else if (c === "{") {
      // Skip the matchers (their strings may hold brackets); an open brace cannot be closed here.
      let j = i + 1;
      while (j < s.length && s[j] !== "}") j = s[j] === '"' || s[j] === "'" || s[j] === "`" ? skipString(s, j) : j + 1;
      if (j >= s.length) return null;
      i = j;
    }
    else if ((c === ")" || c === "]") && stack.pop() !== c) return null;
  }
  return stack.reverse().join("");
}

function syntaxError(src: string, err: SyntaxNode) {
  const lex = lexerIssue(src);
  // Prometheus lexes lazily: a lexer problem wins only if it comes before the parse failure.
  if (lex && (lex.at ?? lex.pos) <= err.from) return parseError(src, lex.pos, src.length, lex.msg);
  // lezer marks the token it could not use; Prometheus names that token.
  const at = err.from;
  const before = src.slice(0, at).trimEnd();
  if (before.endsWith(",") && /^\s*\)/.test(src.slice(at))) {
    const comma = before.length - 1;
    return parseError(src, comma, comma + 1, "trailing commas not allowed in function call args");
  }
  const ctx = errorContext(err as unknown as Parameters<typeof errorContext>[0], src);
  const tok = describeToken(src, at, ctx.identifiers);
  const startTok = at + (src.slice(at).length - src.slice(at).trimStart().length);
  return parseError(src, startTok, tok.end, `unexpected ${tok.desc}${ctx.suffix}`);

}
