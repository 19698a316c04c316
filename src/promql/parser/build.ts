// lezer tree -> AST, with the checks Prometheus's grammar actions make while parsing
// (unknown/disabled functions, aggregation arity, offset/@/range placement, matchers,
// experimental feature gates). Type checks run afterwards in check.ts, as in Prometheus.
import type { SyntaxNode } from "@lezer/common";
import type { FeatureFlags } from "../api.ts";
import type {
  AggregateExpr, AggregateOp, BinaryExpr, BinaryOp, Call, Expr, MatrixSelector, PosRange, SubqueryExpr, VectorMatching, VectorSelector,
} from "../ast.ts";
import { Matcher, MatcherError, type MatchType } from "../../labels/matcher.ts";
import { isWellFormedUtf16 } from "../../labels/labels.ts";
import { getFunction } from "./functions.ts";
import { isDurationLiteral, LexicalError, parseDurationMs, parseNumber, unquoteString } from "./lexical.ts";
import { convertDuration, DurationSyntaxError, literalErrorMessage, type DurationValue } from "./durations.ts";
import { parseError } from "./errors.ts";

export interface BuildCtx {
  src: string; // the original query text (names are read from here)
  features: FeatureFlags;
}

const BIN_OPS: Record<string, BinaryOp> = {
  Pow: "^", Mul: "*", Div: "/", Mod: "%", Atan2: "atan2", Add: "+", Sub: "-", Eql: "==", Gte: ">=", Gtr: ">", Lte: "<=", Lss: "<", Neq: "!=", And: "and", Unless: "unless", Or: "or", TrimUpper: "</", TrimLower: ">/",
};
const MATCH_OPS: Record<string, MatchType> = { EqlSingle: "=", Neq: "!=", EqlRegex: "=~", NeqRegex: "!~" };
const PARAM_AGGS = new Set<AggregateOp>(["topk", "bottomk", "quantile", "count_values", "limitk", "limit_ratio"]);

function kids(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}
const exprKids = (n: SyntaxNode) => kids(n).filter((c) => c.type.is("Expr"));
const child = (n: SyntaxNode, name: string) => kids(n).find((c) => c.name === name);

export function buildExpr(node: SyntaxNode, ctx: BuildCtx): Expr {
  const fail = (from: number, to: number, msg: string): never => {
    throw parseError(ctx.src, from, to, msg);
  };
  const text = (n: SyntaxNode) => ctx.src.slice(n.from, n.to);
  const pos = (n: SyntaxNode): PosRange => ({ start: n.from, end: n.to });

  const unquote = (n: SyntaxNode): string => {
    const lit = text(n);
    try {
      return unquoteString(lit);
    } catch (e) {
      return fail(n.from, n.to, `error unquoting string ${JSON.stringify(lit)}: ${e instanceof LexicalError ? e.message : String(e)}`);
    }
  };

  const duration = (n: SyntaxNode): DurationValue => {
    let d: DurationValue;
    try {
      d = convertDuration(n, ctx.src);
    } catch (e) {
      if (e instanceof DurationSyntaxError) return fail(e.from, e.to, e.message);
      throw e;
    }
    if (d.expr && !ctx.features.durationExpressions) fail(n.from, n.to, "experimental duration expression is not enabled");
    return d;
  };

  // Literal ranges and subquery steps must be positive (expressions are checked when resolved).
  const positiveDuration = (n: SyntaxNode): DurationValue => {
    const d = duration(n);
    if (!d.expr && d.ms !== null && d.ms <= 0) fail(n.from, n.to, "duration must be greater than 0");
    return d;
  };

  const groupingLabels = (n: SyntaxNode | undefined): string[] =>
    n ? kids(n).map((l) => (l.name === "QuotedLabelName" ? unquote(l.firstChild!) : text(l))) : [];

  const numberLiteral = (n: SyntaxNode): number => {
    const t = text(n).replace(/\s+/g, "");
    const sign = t[0] === "-" ? -1 : 1;
    const body = t[0] === "-" || t[0] === "+" ? t.slice(1) : t;
    try {
      return sign * (isDurationLiteral(body) ? parseDurationMs(body) / 1000 : parseNumber(body));
    } catch (e) {
      return fail(n.from, n.to, e instanceof LexicalError ? literalErrorMessage(e, body) : `bad number or duration syntax: ${JSON.stringify(body)}`);
    }
  };

  // Postfix modifiers (offset, @, [range], [range:step], anchored, smoothed) bind tighter
  // than any operator in Prometheus; lezer attaches them to the whole preceding binary or
  // unary expression, so hand them down to its right-most operand.
  const pushDown = (e: Expr, end: number, apply: (t: Expr) => Expr): Expr => {
    if (e.type === "BinaryExpr") {
      const rhs = pushDown(e.rhs, end, apply);
      return { ...e, rhs, pos: { start: e.pos.start, end: rhs.pos.end } };
    }
    if (e.type === "UnaryExpr") {
      const inner = pushDown(e.expr, end, apply);
      return { ...e, expr: inner, pos: { start: e.pos.start, end: inner.pos.end } };
    }
    return apply(e);
  };

  const build = (n: SyntaxNode): Expr => {
    switch (n.name) {
      case "PromQL": {
        const e = exprKids(n)[0];
        if (!e) return fail(0, 0, "no expression found in input");
        return build(e);
      }
      case "ParenExpr":
        return { type: "ParenExpr", expr: build(exprKids(n)[0]), pos: pos(n) };
      case "StringLiteral":
        return { type: "StringLiteral", val: unquote(n), pos: pos(n) };
      case "NumberDurationLiteral": {
        const lit: Expr = { type: "NumberLiteral", val: numberLiteral(n), pos: pos(n) };
        if (isDurationLiteral(text(n).replace(/^[-+]\s*/, ""))) lit.duration = true;
        return lit;
      }
      case "UnaryExpr": {
        const opNode = child(n, "UnaryOp")!;
        const op = text(opNode).trim() as "+" | "-";
        const inner = build(exprKids(n)[0]);
        // Prometheus folds a sign into a number literal right away.
        if (inner.type === "NumberLiteral") return { ...inner, val: op === "-" ? -inner.val : inner.val, pos: { start: n.from, end: inner.pos.end } };
        return { type: "UnaryExpr", op, expr: inner, pos: { start: n.from, end: inner.pos.end } };
      }
      case "VectorSelector":
        return vectorSelector(n);
      case "FunctionCall":
        return call(n);
      case "AggregateExpr":
        return aggregate(n);
      case "BinaryExpr":
      case "MatrixSelector":
      case "SubqueryExpr":
      case "OffsetExpr":
      case "StepInvariantExpr":
      case "AnchoredExpr":
      case "SmoothedExpr":
        return chain(n);
    }
    return fail(n.from, n.to, `unexpected ${n.name}`);
  };

  const vectorSelector = (n: SyntaxNode): VectorSelector => {
    const id = child(n, "Identifier");
    const name = id ? text(id) : "";
    const matchers: Matcher[] = [];
    const lm = child(n, "LabelMatchers");
    for (const m of lm ? kids(lm) : []) {
      if (m.name === "QuotedLabelName") {
        // {"metric.name"} selects by name.
        matchers.push(new Matcher("=", "__name__", unquote(m.firstChild!)));
        continue;
      }
      const [ln, op, val] = kids(m);
      const label = ln.name === "QuotedLabelName" ? unquote(ln.firstChild!) : text(ln);
      const value = unquote(val);
      if (!isWellFormedUtf16(label) || label === "") fail(ln.from, ln.to, `invalid label name ${JSON.stringify(label)}`);
      try {
        matchers.push(new Matcher(MATCH_OPS[op.firstChild!.name], label, value));
      } catch (e) {
        // Prometheus reports Go's regexp error text as is ("error parsing regexp: …").
        if (e instanceof MatcherError) fail(ln.from, val.to, e.message.replace(/^invalid regular expression ".*?": (?=error parsing regexp)/s, ""));
        throw e;
      }
    }
    if (name) matchers.push(new Matcher("=", "__name__", name));
    return { type: "VectorSelector", name, matchers, offset: 0, timestamp: null, startOrEnd: null, anchored: false, smoothed: false, pos: pos(n) };
  };

  const call = (n: SyntaxNode): Call => {
    const idNode = child(n, "FunctionIdentifier")!;
    // The name as written (lezer may have seen a stand-in, see scan.ts); arguments first, as
    // Prometheus checks the name only once the whole call has parsed.
    const name = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(ctx.src.slice(idNode.from))![0];
    const args = exprKids(child(n, "FunctionCallBody")!).map(build);
    const func = getFunction(name);
    // Reported at the name, but the error belongs to the whole call (see index.ts).
    if (!func) return fail(idNode.from, n.to, `unknown function with name ${JSON.stringify(name)}`);
    const enabled = !func.experimental || ctx.features.experimentalFunctions || (name === "start_timestamp" && ctx.features.startTimestamps);
    if (!enabled) fail(idNode.from, n.to, `function ${JSON.stringify(name)} is not enabled`);
    return { type: "Call", func, args, pos: pos(n) };
  };

  const aggregate = (n: SyntaxNode): AggregateExpr => {
    const op = text(child(n, "AggregateOp")!).toLowerCase() as AggregateOp;
    const mod = child(n, "AggregateModifier");
    const without = mod ? kids(mod)[0].name === "Without" : false;
    const grouping = groupingLabels(mod ? child(mod, "GroupingLabels") : undefined);
    const args = exprKids(child(n, "FunctionCallBody")!).map(build);
    const p = pos(n);
    if (args.length === 0) fail(p.start, p.end, "no arguments for aggregate expression provided");
    let want = 1;
    if (PARAM_AGGS.has(op)) {
      if ((op === "limitk" || op === "limit_ratio") && !ctx.features.experimentalFunctions) {
        fail(p.start, p.end, `${op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`);
      }
      want = 2;
    }
    if (args.length !== want) fail(p.start, p.end, `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`);
    return { type: "AggregateExpr", op, expr: args[want - 1], param: want === 2 ? args[0] : null, grouping, without, pos: p };
  };

  const makeBinary = (n: SyntaxNode, op: BinaryOp, lhs: Expr, rhs: Expr): BinaryExpr => {
    const matching: VectorMatching = { card: "one-to-one", matchingLabels: [], on: false, include: [], fillLeft: null, fillRight: null };
    const mm = child(n, "MatchingModifierClause");
    if (mm) {
      const mk = kids(mm);
      matching.on = mk[0].name === "On";
      matching.matchingLabels = groupingLabels(mk[1]);
      const g = mk.find((k) => k.name === "GroupLeft" || k.name === "GroupRight");
      if (g) {
        matching.card = g.name === "GroupLeft" ? "many-to-one" : "one-to-many";
        const inc = mk.slice(mk.indexOf(g) + 1).find((k) => k.name === "GroupingLabels");
        matching.include = groupingLabels(inc);
      }
    }
    const fill = child(n, "FillModifier");
    if (fill) {
      for (const clause of kids(fill)) {
        const v = numberLiteral(child(clause, "NumberDurationLiteral")!);
        if (clause.name === "FillClause") matching.fillLeft = matching.fillRight = v;
        else if (clause.name === "FillLeftClause") matching.fillLeft = v;
        else matching.fillRight = v;
      }
    }
    const e: BinaryExpr = { type: "BinaryExpr", op, lhs, rhs, returnBool: !!child(n, "BoolModifier"), matching, pos: { start: lhs.pos.start, end: rhs.pos.end } };
    if (fill && !ctx.features.binopFillModifiers) fail(e.pos.start, e.pos.end, "binop fill modifiers are experimental and not enabled");
    return e;
  };

  const matrix = (n: SyntaxNode, inner: Expr): Expr => {
    const durNode = child(n, "DurationExpr")!;
    const d = positiveDuration(durNode);
    const open = ctx.src.lastIndexOf("[", durNode.from);
    return pushDown(inner, n.to, (t) => {
      if (t.type !== "VectorSelector") return fail(open, n.to, "ranges only allowed for vector selectors");
      if (t.offset !== 0 || t.offsetExpr) fail(open, n.to, "no offset modifiers allowed before range");
      if (t.timestamp !== null || t.startOrEnd) fail(open, n.to, "no @ modifiers allowed before range");
      const m: MatrixSelector = { type: "MatrixSelector", vectorSelector: t, range: d.ms ?? 0, pos: { start: t.pos.start, end: n.to } };
      if (d.expr) m.rangeExpr = d.expr;
      return m;
    });
  };

  const subquery = (n: SyntaxNode, inner: Expr): Expr => {
    const durs = kids(n).filter((k) => k.name === "DurationExpr");
    const r = positiveDuration(durs[0]);
    const s: DurationValue | null = durs[1] ? positiveDuration(durs[1]) : null;
    return pushDown(inner, n.to, (t) => {
      const sq: SubqueryExpr = {
        type: "SubqueryExpr", expr: t, range: r.ms ?? 0, step: s?.ms ?? 0, offset: 0, timestamp: null, startOrEnd: null, pos: { start: t.pos.start, end: n.to },
      };
      if (r.expr) sq.rangeExpr = r.expr;
      if (s?.expr) sq.stepExpr = s.expr;
      return sq;
    });
  };

  // The node an offset/@ applies to, with its end position extended over the modifier.
  const modifierTarget = (t: Expr, from: number, to: number, what: string): VectorSelector | SubqueryExpr => {
    if (t.type === "VectorSelector" || t.type === "SubqueryExpr") return t;
    if (t.type === "MatrixSelector") return t.vectorSelector;
    return fail(from, to, `${what} modifier must be preceded by an instant vector selector or range vector selector or a subquery`);
  };
  const extend = (t: Expr, end: number): Expr => {
    if (t.type === "MatrixSelector") return { ...t, pos: { start: t.pos.start, end } };
    return { ...t, pos: { start: t.pos.start, end } } as Expr;
  };

  const offset = (n: SyntaxNode, inner: Expr): Expr => {
    const d = duration(child(n, "OffsetDurationExpr")!);
    return pushDown(inner, n.to, (t) => {
      const target = modifierTarget(t, t.pos.start, n.to, "offset");
      if (target.offset !== 0 || target.offsetExpr) fail(t.pos.start, t.pos.end, "offset may not be set multiple times");
      const upd = { ...target, offset: d.ms ?? 0, ...(d.expr ? { offsetExpr: d.expr } : {}) };
      return extend(t.type === "MatrixSelector" ? { ...t, vectorSelector: upd as VectorSelector } : upd, n.to);
    });
  };

  const at = (n: SyntaxNode, inner: Expr): Expr => {
    const pre = child(n, "AtModifierPreprocessors");
    const lit = child(n, "NumberDurationLiteral");
    return pushDown(inner, n.to, (t) => {
      const target = modifierTarget(t, t.pos.start, n.to, "@");
      if (target.timestamp !== null || target.startOrEnd) fail(t.pos.start, t.pos.end, "@ <timestamp> may not be set multiple times");
      let upd: VectorSelector | SubqueryExpr;
      if (pre) upd = { ...target, startOrEnd: pre.firstChild!.name === "AtStart" ? "start" : "end" };
      else {
        const secs = numberLiteral(lit!);
        if (!Number.isFinite(secs) || Math.abs(secs) >= 9.223372036854776e18) {
          fail(t.pos.start, n.to, `timestamp out of bounds for @ modifier: ${Number.isFinite(secs) ? secs.toFixed(6) : Number.isNaN(secs) ? "NaN" : secs > 0 ? "+Inf" : "-Inf"}`);
        }
        upd = { ...target, timestamp: Math.round(secs * 1000) };
      }
      return extend(t.type === "MatrixSelector" ? { ...t, vectorSelector: upd as VectorSelector } : upd, n.to);
    });
  };

  const extended = (n: SyntaxNode, inner: Expr, kind: "anchored" | "smoothed"): Expr => {
    return pushDown(inner, n.to, (t) => {
      if (!ctx.features.extendedRangeSelectors) fail(t.pos.start, n.to, `${kind} modifier is experimental and not enabled`);
      if (t.type === "SubqueryExpr") fail(t.pos.start, n.to, `${kind} modifier is not supported for subqueries`);
      if (t.type !== "VectorSelector" && t.type !== "MatrixSelector") fail(t.pos.start, n.to, `${kind} modifier not implemented`);
      const vs = t.type === "MatrixSelector" ? t.vectorSelector : (t as VectorSelector);
      const upd: VectorSelector = { ...vs, [kind]: true };
      if (upd.anchored && upd.smoothed) fail(t.pos.start, n.to, "anchored and smoothed modifiers cannot be used together");
      return extend(t.type === "MatrixSelector" ? { ...t, vectorSelector: upd } : upd, n.to);
    });
  };

  const applyPostfix = (n: SyntaxNode, inner: Expr): Expr => {
    switch (n.name) {
      case "MatrixSelector": return matrix(n, inner);
      case "SubqueryExpr": return subquery(n, inner);
      case "OffsetExpr": return offset(n, inner);
      case "StepInvariantExpr": return at(n, inner);
      case "AnchoredExpr": return extended(n, inner, "anchored");
      default: return extended(n, inner, "smoothed");
    }
  };

  // lezer gives postfix modifiers the lowest precedence, so `a + b @ 1 * c` arrives as
  // ((a + b) @ 1) * c. Flatten binary chains (looking through postfix nodes, whose modifier
  // goes to the operand just before it) and rebuild them with Prometheus's precedence.
  type Chain = { operands: Expr[]; ops: { node: SyntaxNode; op: BinaryOp }[] };
  const flatten = (n: SyntaxNode): Chain => {
    if (n.name === "BinaryExpr") {
      const [l, r] = exprKids(n);
      const opNode = kids(n)[1];
      const op = BIN_OPS[opNode.name];
      if (!op) fail(opNode.from, opNode.to, `binary expression does not support operator ${JSON.stringify(text(opNode))}`);
      const L = flatten(l);
      const R = flatten(r);
      return { operands: [...L.operands, ...R.operands], ops: [...L.ops, { node: n, op }, ...R.ops] };
    }
    if (POSTFIX.has(n.name)) {
      const inner = flatten(exprKids(n)[0]);
      const last = inner.operands.length - 1;
      inner.operands[last] = pushDown(inner.operands[last], n.to, (t) => applyPostfix(n, t));
      return inner;
    }
    return { operands: [build(n)], ops: [] };
  };

  const chain = (n: SyntaxNode): Expr => {
    const { operands, ops } = flatten(n);
    let oi = 0;
    let k = 0;
    const climb = (minPrec: number): Expr => {
      let lhs = operands[oi++];
      while (k < ops.length && PRECEDENCE[ops[k].op] >= minPrec) {
        const { node, op } = ops[k++];
        const p = PRECEDENCE[op];
        const rhs = climb(op === "^" ? p : p + 1);
        lhs = makeBinary(node, op, lhs, rhs);
      }
      return lhs;
    };
    return climb(0);
  };

  return build(node);
}

const POSTFIX = new Set(["MatrixSelector", "SubqueryExpr", "OffsetExpr", "StepInvariantExpr", "AnchoredExpr", "SmoothedExpr"]);
// Prometheus's operator precedence (higher binds tighter); `^` is right-associative.
const PRECEDENCE: Record<BinaryOp, number> = {
  or: 1, and: 2, unless: 2, "==": 3, "!=": 3, ">": 3, "<": 3, ">=": 3, "<=": 3, "</": 3, ">/": 3,
  "+": 4, "-": 4, "*": 5, "/": 5, "%": 5, atan2: 5, "^": 6,
};

