// PromQL parser: query text -> AST (src/promql/ast.ts), with Prometheus's checks and error
// messages. Built on the lezer grammar the Prometheus UI ships (@prometheus-io/lezer-promql).
import { parser as lezer } from "@prometheus-io/lezer-promql";
import type { SyntaxNode } from "@lezer/common";
import { defaultFeatures, type FeatureFlags } from "../api.ts";
import type { Expr } from "../ast.ts";
import { buildExpr } from "./build.ts";
import { checkExpr } from "./check.ts";
import { describeToken, errorContext, lexerIssue, parseError } from "./errors.ts";
import { firstUnknownCall, lezerInput } from "./scan.ts";

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
  if (err) throw syntaxError(query, err);
  // lezer is lenient where Prometheus's lexer is not (e.g. a missing closing quote).
  const lex = lexerIssue(query);
  if (lex) throw parseError(query, lex.pos, query.length, lex.msg);
  const expr = buildExpr(top, { src: query, features });
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

function syntaxError(src: string, err: SyntaxNode) {
  const unknown = firstUnknownCall(src);
  if (unknown && unknown.start <= err.from) return parseError(src, unknown.start, unknown.end, `unknown function with name ${JSON.stringify(unknown.text)}`);
  const lex = lexerIssue(src);
  if (lex && lex.pos <= Math.max(err.from, err.to)) return parseError(src, lex.pos, src.length, lex.msg);
  // lezer marks the token it could not use; Prometheus names that token.
  const at = err.from;
  const before = src.slice(0, at).trimEnd();
  if (before.endsWith(",") && /^\s*\)/.test(src.slice(at))) {
    const comma = before.length - 1;
    return parseError(src, comma, comma + 1, "trailing commas not allowed in function call args");
  }
  const ctx = errorContext(err);
  const tok = describeToken(src, at, ctx.identifiers);
  const startTok = at + (src.slice(at).length - src.slice(at).trimStart().length);
  return parseError(src, startTok, tok.end, `unexpected ${tok.desc}${tok.desc === "end of input" && !ctx.suffix.includes("expected") ? "" : ctx.suffix}`);

}
