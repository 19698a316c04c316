// and / or / unless: many-to-many set operations on match signatures, step by step.
// Signatures are resolved once per series; per step only a stamp array (one slot per
// signature) marks which signatures the other side has, so memory stays O(series + steps).
import type { BinaryExpr } from "../ast.ts";
import type { Ctx } from "./context.ts";
import { labelsKey } from "../../labels/labels.ts";
import { newStepSeries, type StepSeries } from "./series.ts";
import { defaultMatching, SigTable } from "./signature.ts";

export function setOperation(ctx: Ctx, e: BinaryExpr, lhs: StepSeries[], rhs: StepSeries[]): StepSeries[] {
  const m = e.matching ?? defaultMatching;
  const n = ctx.n;
  const sigs = new SigTable();
  const lsig = lhs.map((s) => sigs.id(s.metric, m));
  const rsig = rhs.map((s) => sigs.id(s.metric, m));
  const stamp = new Int32Array(sigs.size);
  const lOut: (StepSeries | null)[] = lhs.map(() => null);
  const rOut: (StepSeries | null)[] = rhs.map(() => null);
  const copy = (outs: (StepSeries | null)[], src: StepSeries, k: number, i: number) => {
    let o = outs[k];
    if (!o) outs[k] = o = newStepSeries(src.metric, n, src.dropName);
    o.has[i] = 1;
    o.vals[i] = src.vals[i];
  };
  for (let i = 0; i < n; i++) {
    const mark = i + 1;
    if (e.op === "or") {
      for (let k = 0; k < lhs.length; k++) {
        if (!lhs[k].has[i]) continue;
        stamp[lsig[k]] = mark;
        copy(lOut, lhs[k], k, i);
      }
      for (let k = 0; k < rhs.length; k++) if (rhs[k].has[i] && stamp[rsig[k]] !== mark) copy(rOut, rhs[k], k, i);
      continue;
    }
    for (let k = 0; k < rhs.length; k++) if (rhs[k].has[i]) stamp[rsig[k]] = mark;
    const want = e.op === "and";
    for (let k = 0; k < lhs.length; k++) {
      if (lhs[k].has[i] && (stamp[lsig[k]] === mark) === want) copy(lOut, lhs[k], k, i);
    }
  }
  const out = [...lOut, ...rOut].filter((s): s is StepSeries => s !== null);
  return e.op === "or" ? mergeOr(out, n) : out;
}

// `a or b` can yield the same label set from both sides at different steps (e.g. after name
// dropping); Prometheus appends them into one output series.
function mergeOr(ss: StepSeries[], n: number): StepSeries[] {
  const byKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  for (const s of ss) {
    const k = labelsKey(s.metric);
    const p = byKey.get(k);
    if (!p) {
      byKey.set(k, s);
      out.push(s);
      continue;
    }
    for (let i = 0; i < n; i++) {
      if (s.has[i] && !p.has[i]) {
        p.has[i] = 1;
        p.vals[i] = s.vals[i];
      }
    }
    if (s.dropName) p.dropName = true;
  }
  return out;
}
