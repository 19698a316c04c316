// topk / bottomk / limitk / limit_ratio: they pick input series per group and step, so the
// result keeps each picked series' own labels.
import type { AggregateExpr } from "../ast.ts";
import type { Ctx } from "./context.ts";
import { execError } from "./context.ts";
import { computeGroups } from "./grouping.ts";
import { newStepSeries, type StepSeries } from "./series.ts";
import { labelsHashFraction } from "./labels-hash.ts";

function checkK(p: number): number {
  if (Number.isNaN(p)) throw execError("Parameter value is NaN");
  if (p >= 9.223372036854776e18 || p < -9.223372036854776e18) throw execError(`Scalar value ${p} overflows int64`);
  return Math.trunc(p);
}

export function selectK(ctx: Ctx, e: AggregateExpr, input: StepSeries[], param: Float64Array): StepSeries[] {
  const n = ctx.n;
  const groups = computeGroups(
    input.map((s) => s.metric),
    e.grouping,
    e.without,
  );
  const G = groups.labels.length;
  const members: number[][] = Array.from({ length: G }, () => []);
  for (let s = 0; s < input.length; s++) members[groups.ofSeries[s]].push(s);
  // Output series are created on first pick, in pick order (for an instant query that is the
  // result order: groups in order of appearance, best first within a group).
  const outOf = new Map<number, StepSeries>();
  const out: StepSeries[] = [];
  const pick = (s: number, i: number) => {
    let o = outOf.get(s);
    if (!o) {
      o = newStepSeries(input[s].metric, n, input[s].dropName);
      outOf.set(s, o);
      out.push(o);
    }
    o.has[i] = 1;
    o.vals[i] = input[s].vals[i];
  };

  if (e.op === "limit_ratio") {
    const frac = input.map((s) => labelsHashFraction(s.metric));
    for (let i = 0; i < n; i++) {
      let r = param[i];
      if (Number.isNaN(r)) throw execError("Ratio value is NaN");
      if (r > 1 || r < -1) {
        const capped = r > 1 ? 1 : -1;
        ctx.st.annos.invalidRatio(r, capped, e.param!.pos);
        r = capped;
      }
      for (let s = 0; s < input.length; s++) {
        if (!input[s].has[i]) continue;
        const keep = r >= 0 ? frac[s] < r : frac[s] >= 1 + r;
        if (keep) pick(s, i);
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const k = checkK(param[i]);
      if (k < 1) continue;
      for (let g = 0; g < G; g++) {
        const chosen = e.op === "limitk" ? firstK(members[g], input, i, k) : bestK(members[g], input, i, k, e.op === "topk");
        for (const s of chosen) {
          pick(s, i);
        }
      }
    }
  }
  return out;
}

function firstK(members: number[], input: StepSeries[], i: number, k: number): number[] {
  const out: number[] = [];
  for (const s of members) {
    if (out.length >= k) break;
    if (input[s].has[i]) out.push(s);
  }
  return out;
}

// The k best series at step i, best first: larger (topk) or smaller (bottomk) values, NaN
// last, earlier series first among equals (Prometheus's heap keeps the earlier one on ties).
// Kept in a sorted array of at most k entries, so a step costs O(n log k) comparisons plus
// O(k) moves per insertion.
function bestK(members: number[], input: StepSeries[], i: number, k: number, top: boolean): number[] {
  const out: number[] = [];
  // a strictly better than b?
  const better = (a: number, b: number): boolean => {
    const va = input[a].vals[i];
    const vb = input[b].vals[i];
    if (va !== va) return false;
    if (vb !== vb) return true;
    return top ? va > vb : va < vb;
  };
  for (const s of members) {
    if (!input[s].has[i]) continue;
    if (out.length >= k && !better(s, out[out.length - 1])) continue;
    // Insert after every element that s is not better than (stable for ties).
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (better(s, out[mid])) hi = mid;
      else lo = mid + 1;
    }
    out.splice(lo, 0, s);
    if (out.length > k) out.pop();
  }
  return out;
}
