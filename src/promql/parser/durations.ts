// Duration positions (ranges, subquery steps, offsets) from lezer's DurationExpr /
// OffsetDurationExpr nodes. A plain literal becomes milliseconds; anything else (arithmetic,
// step(), range(), min_of/max_of, parentheses) needs the duration-expression feature and is
// kept as a DurationExpr tree; constant trees are also folded to milliseconds here.
import type { SyntaxNode } from "@lezer/common";
import type { DurationExpr } from "../ast.ts";
import { isDurationLiteral, LexicalError, parseDurationMs, parseNumber } from "./lexical.ts";

export interface DurationValue {
  ms: number | null; // null when it depends on step()/range()
  expr?: DurationExpr; // set when not a plain literal
}

export class DurationSyntaxError extends Error {
  constructor(
    message: string,
    readonly from: number,
    readonly to: number,
  ) {
    super(message);
  }
}

// Seconds value of a literal in a duration context: durations ("5m") or float seconds ("300").
export function literalSeconds(text: string, from: number, to: number): number {
  try {
    if (isDurationLiteral(text)) return parseDurationMs(text) / 1000;
    return parseNumber(text);
  } catch (e) {
    throw new DurationSyntaxError(e instanceof LexicalError ? literalErrorMessage(e, text) : String(e), from, to);
  }
}

// Prometheus's message for a number or duration literal it cannot read: a duration too long for
// a Go time.Duration is "duration out of range", anything else is bad syntax.
export function literalErrorMessage(e: LexicalError, text: string): string {
  return e.outOfRange ? e.message : `bad number or duration syntax: ${JSON.stringify(text)}`;
}

export function convertDuration(node: SyntaxNode, src: string): DurationValue {
  const expr = toExpr(node, src);
  const plain = plainLiteral(expr);
  const secs = evalConst(expr);
  const ms = secs === null ? null : Math.round(secs * 1000);
  return plain ? { ms } : { ms, expr };
}

function plainLiteral(e: DurationExpr): boolean {
  return e.op === "number" || (e.op === "neg" && e.lhs!.op === "number" && !e.lhs!.wrapped);
}

function toExpr(node: SyntaxNode, src: string): DurationExpr {
  const pos = { start: node.from, end: node.to };
  const kids: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) kids.push(c);
  const named = kids.filter((k) => !k.type.isError);
  if (kids.some((k) => k.type.isError)) throw new DurationSyntaxError("unexpected character in duration expression", node.from, node.to);
  switch (node.name) {
    case "NumberDurationLiteralInDurationContext": {
      const text = src.slice(node.from, node.to);
      const e: DurationExpr = { type: "DurationExpr", op: "number", val: literalSeconds(text, node.from, node.to), pos };
      if (isDurationLiteral(text)) e.duration = true;
      return e;
    }
    case "DurationExpr":
    case "OffsetDurationExpr": {
      const first = named[0];
      if (first.name === "UnaryOp") {
        const operand = toExpr(named[1], src);
        if (src[first.from] === "+") return operand;
        return { type: "DurationExpr", op: "neg", lhs: operand, pos };
      }
      if (first.name === "DurationStep") return { type: "DurationExpr", op: "step", pos };
      if (first.name === "DurationRange") return { type: "DurationExpr", op: "range", pos };
      if (first.name === "DurationMinOf" || first.name === "DurationMaxOf") {
        return { type: "DurationExpr", op: first.name === "DurationMinOf" ? "min_of" : "max_of", lhs: toExpr(named[1], src), rhs: toExpr(named[2], src), pos };
      }
      if (named.length === 1) {
        const inner = toExpr(first, src);
        // "(" DurationExpr ")" has no node of its own: a child narrower than us means parens.
        if (src[node.from] === "(" && first.from > node.from) return { ...inner, wrapped: true, pos };
        return inner;
      }
      if (named.length === 3) {
        const op = ({ Add: "+", Sub: "-", Mul: "*", Div: "/", Mod: "%", Pow: "^" } as const)[named[1].name as "Add"];
        if (op) return { type: "DurationExpr", op, lhs: toExpr(named[0], src), rhs: toExpr(named[2], src), pos };
      }
      throw new DurationSyntaxError("unexpected character in duration expression", node.from, node.to);
    }
  }
  throw new DurationSyntaxError("unexpected character in duration expression", node.from, node.to);
}

// Value in seconds, or null if it needs step()/range() (known only at evaluation).
export function evalConst(e: DurationExpr): number | null {
  switch (e.op) {
    case "number":
      return e.val!;
    case "step":
    case "range":
      return null;
    case "neg": {
      const v = evalConst(e.lhs!);
      return v === null ? null : -v;
    }
  }
  const a = evalConst(e.lhs!);
  const b = evalConst(e.rhs!);
  if (a === null || b === null) return null;
  switch (e.op) {
    case "+": return a + b;
    case "-": return a - b;
    case "*": return a * b;
    case "/": return a / b;
    case "%": return a % b;
    case "^": return Math.pow(a, b);
    case "min_of": return Math.min(a, b);
    case "max_of": return Math.max(a, b);
  }
  return null;
}
