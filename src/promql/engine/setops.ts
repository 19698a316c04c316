// and / or / unless: many-to-many set operations on match signatures, step by step.
import type { BinaryExpr } from "../ast.ts";
import type { Ctx } from "./context.ts";
import { newStepSeries, type StepSeries } from "./series.ts";
import { defaultMatching, SigTable } from "./signature.ts";

function copyWhere(s: StepSeries, n: number, keep: (i: number) => boolean): StepSeries | null {
  const o = newStepSeries(s.metric, n, s.dropName);
  let any = false;
  for (let i = 0; i < n; i++) {
    if (!s.has[i] || !keep(i)) continue;
    o.has[i] = 1;
    o.vals[i] = s.vals[i];
    any = true;
  }
  if (o && s.sampleTs) o.sampleTs = s.sampleTs;
  return any ? o : null;
}

export function setOperation(ctx: Ctx, e: BinaryExpr, lhs: StepSeries[], rhs: StepSeries[]): StepSeries[] {
  const m = e.matching ?? defaultMatching;
  const n = ctx.n;
  const sigs = new SigTable();
  const lsig = lhs.map((s) => sigs.id(s.metric, m));
  const rsig = rhs.map((s) => sigs.id(s.metric, m));
  // present[sig * n + step]: the other side has a series of that signature at that step.
  const mark = (side: StepSeries[], sig: number[]): Uint8Array => {
    const p = new Uint8Array(sigs.size * n);
    side.forEach((s, k) => {
      for (let i = 0; i < n; i++) if (s.has[i]) p[sig[k] * n + i] = 1;
    });
    return p;
  };
  const out: StepSeries[] = [];
  if (e.op === "and" || e.op === "unless") {
    const inR = mark(rhs, rsig);
    const want = e.op === "and" ? 1 : 0;
    lhs.forEach((s, k) => {
      const o = copyWhere(s, n, (i) => inR[lsig[k] * n + i] === want);
      if (o) out.push(o);
    });
    return out;
  }
  // or: all of lhs, plus rhs series whose signature is absent from lhs at that step.
  const inL = mark(lhs, lsig);
  for (const s of lhs) {
    const o = copyWhere(s, n, () => true);
    if (o) out.push(o);
  }
  rhs.forEach((s, k) => {
    const o = copyWhere(s, n, (i) => !inL[rsig[k] * n + i]);
    if (o) out.push(o);
  });
  return mergeOr(out, n);
}

// `a or b` can yield the same label set from both sides at different steps (e.g. after name
// dropping); Prometheus appends them into one output series.
function mergeOr(ss: StepSeries[], n: number): StepSeries[] {
  const byKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  for (const s of ss) {
    const k = s.metric.map((l) => l.name + "\xff" + l.value).join("\xff");
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
