// Arithmetic and comparison between two vectors: one-to-one, many-to-one (group_left) and
// one-to-many (group_right) matching, plus the experimental fill modifiers. Signatures and
// result label sets are computed once per series/pair; only presence is checked per step.
import type { Label, Labels } from "../../labels/labels.ts";
import { compareLabels, formatLabels, labelsKey, METRIC_NAME, sortLabels } from "../../labels/labels.ts";
import type { BinaryExpr, VectorMatching } from "../ast.ts";
import { applyOp, isComparison } from "./arith.ts";
import type { Ctx } from "./context.ts";
import { execError } from "./context.ts";
import { dropMetricName, mergeSameLabels, newStepSeries, type StepSeries } from "./series.ts";
import { defaultMatching, matchLabels, SigTable } from "./signature.ts";

function resultMetric(
  many: Labels,
  one: Labels | null,
  m: VectorMatching,
  dropName: boolean,
  typeAndUnit: boolean,
): Labels {
  let out: Label[] = many.slice();
  if (dropName) out = dropMetricName(out, typeAndUnit) as Label[];
  if (m.card === "one-to-one") {
    if (m.on) out = out.filter((l) => m.matchingLabels.includes(l.name));
    else out = out.filter((l) => !m.matchingLabels.includes(l.name));
  }
  if (m.include.length > 0) {
    for (const ln of m.include) {
      const v = one?.find((l) => l.name === ln)?.value ?? "";
      out = out.filter((l) => l.name !== ln);
      if (v !== "") out.push({ name: ln, value: v });
    }
    sortLabels(out);
  }
  return out;
}

export function vectorMatch(ctx: Ctx, e: BinaryExpr, lhsIn: StepSeries[], rhsIn: StepSeries[]): StepSeries[] {
  const m = e.matching ?? defaultMatching;
  const n = ctx.n;
  const delayed = ctx.features.delayedNameRemoval;
  const cmp = isComparison(e.op);
  const dropName = !cmp || e.returnBool;
  const swapped = m.card === "one-to-many";
  // "many" is the side whose labels the result keeps; "one" must be unique per signature.
  const many = swapped ? rhsIn : lhsIn;
  const one = swapped ? lhsIn : rhsIn;
  // Prometheus applies fill_left to the internal left ("many") side and fill_right to the
  // internal right ("one") side, also for group_right where the operands were swapped.
  const fillMany = m.fillLeft;
  const fillOne = m.fillRight;
  const sigs = new SigTable();
  const manySig = many.map((s) => sigs.id(s.metric, m));
  const oneSig = one.map((s) => sigs.id(s.metric, m));
  const S = sigs.size;
  const onePresent = new Int32Array(S); // per step: index+1 of the "one" series present
  const matchedStamp = new Int32Array(S); // per step: step+1 when a sig already matched
  const out: StepSeries[] = [];
  const outByKey = new Map<string, StepSeries & { stamp: number }>();
  const pairCache = new Map<number, StepSeries & { stamp: number }>();
  const outFor = (key: number, labels: () => Labels, drop: boolean) => {
    let o = pairCache.get(key);
    if (o) return o;
    const ls = labels();
    const k = labelsKey(ls);
    o = outByKey.get(k);
    if (!o) {
      o = Object.assign(newStepSeries(ls, n, drop), { stamp: 0 });
      outByKey.set(k, o);
      out.push(o);
    }
    pairCache.set(key, o);
    return o;
  };
  const manyCount = many.length;
  const oneCount = one.length;
  for (let i = 0; i < n; i++) {
    onePresent.fill(0);
    for (let r = 0; r < oneCount; r++) {
      if (!one[r].has[i]) continue;
      const sg = oneSig[r];
      if (onePresent[sg]) {
        const side = swapped ? "left" : "right";
        const pair = [one[onePresent[sg] - 1].metric, one[r].metric].sort(compareLabels);
        throw execError(
          `found duplicate series for the match group ${formatLabels(matchLabels(one[r].metric, m))} on the ${side} hand-side of the operation: [${formatLabels(pair[0])}, ${formatLabels(pair[1])}];many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
      onePresent[sg] = r + 1;
    }
    const matchedOne = fillMany !== null ? new Uint8Array(S) : null;
    for (let l = 0; l < manyCount; l++) {
      const ms = many[l];
      if (!ms.has[i]) continue;
      const sg = manySig[l];
      const r = onePresent[sg] - 1;
      let oneVal: number;
      let oneSeries: StepSeries | null = null;
      if (r < 0) {
        if (fillOne === null) continue;
        oneVal = fillOne;
      } else {
        oneSeries = one[r];
        oneVal = oneSeries.vals[i];
        if (matchedOne) matchedOne[sg] = 1;
      }
      const lv = swapped ? oneVal : ms.vals[i];
      const rv = swapped ? ms.vals[i] : oneVal;
      // Checked before comparison filtering, as Prometheus does: a duplicate is an error
      // even when the comparison would drop it.
      if (m.card === "one-to-one" && r >= 0) {
        if (matchedStamp[sg] === i + 1) {
          throw execError("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
        }
        matchedStamp[sg] = i + 1;
      }
      const res = applyOp(e.op, lv, rv);
      let val: number;
      if (cmp && !e.returnBool) {
        if (res !== 1) continue;
        val = lv;
      } else val = res;
      const key = r < 0 ? -(l + 1) : l * (oneCount + 1) + r;
      const o = outFor(
        key,
        () => resultMetric(ms.metric, oneSeries ? oneSeries.metric : null, m, dropName && !delayed, ctx.features.typeAndUnitLabels),
        (dropName && delayed) || (ms.dropName && !dropName),
      );
      if (o.stamp === i + 1) {
        if (m.card === "one-to-one") {
          throw execError("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
        }
        throw execError("multiple matches for labels: grouping labels must ensure unique matches");
      }
      o.stamp = i + 1;
      o.has[i] = 1;
      o.vals[i] = val;
    }
    // fill for the "many" side: one-side series whose match group had no partner.
    if (matchedOne) {
      for (let r = 0; r < oneCount; r++) {
        if (!one[r].has[i]) continue;
        const sg = oneSig[r];
        if (matchedOne[sg]) continue;
        const lv = swapped ? one[r].vals[i] : fillMany!;
        const rv = swapped ? fillMany! : one[r].vals[i];
        const res = applyOp(e.op, lv, rv);
        let val: number;
        if (cmp && !e.returnBool) {
          if (res !== 1) continue;
          val = lv;
        } else val = res;
        const o = outFor(-(manyCount + 1 + r), () => sigs.labels[sg], dropName && delayed);
        if (o.stamp === i + 1) throw execError("vector cannot contain metrics with the same labelset");
        o.stamp = i + 1;
        o.has[i] = 1;
        o.vals[i] = val;
      }
    }
  }
  const res = out.filter((s) => s.has.some((x) => x === 1));
  return delayed ? res : mergeSameLabels(res);
}
