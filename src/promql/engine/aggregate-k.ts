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
  const picked = new Uint8Array(input.length * n);
  // Per step and group, the order of picked series (for instant queries the result order).
  const order: number[] = [];

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
        if (keep) picked[s * n + i] = 1;
      }
    }
    for (let s = 0; s < input.length; s++) order.push(s);
  } else {
    for (let i = 0; i < n; i++) {
      const k = checkK(param[i]);
      if (k < 1) continue;
      for (let g = 0; g < G; g++) {
        const present = members[g].filter((s) => input[s].has[i]);
        let chosen: number[];
        if (e.op === "limitk") chosen = present.slice(0, k);
        else {
          const top = e.op === "topk";
          const sorted = present.slice().sort((a, b) => {
            const va = input[a].vals[i];
            const vb = input[b].vals[i];
            if (va !== va) return vb !== vb ? a - b : 1;
            if (vb !== vb) return -1;
            if (va === vb) return a - b;
            return top ? vb - va : va - vb;
          });
          chosen = sorted.slice(0, k);
        }
        for (const s of chosen) {
          picked[s * n + i] = 1;
          if (n === 1) order.push(s);
        }
      }
    }
    if (n > 1) for (let s = 0; s < input.length; s++) order.push(s);
  }
  const out: StepSeries[] = [];
  for (const s of order) {
    const src = input[s];
    const o = newStepSeries(src.metric, n, src.dropName);
    let any = false;
    for (let i = 0; i < n; i++) {
      if (!picked[s * n + i]) continue;
      o.has[i] = 1;
      o.vals[i] = src.vals[i];
      any = true;
    }
    if (any) out.push(o);
  }
  return out;
}
