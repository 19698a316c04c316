// Result comparison with the reference harness's rules: relative float tolerance 1e-6 (NaN
// equals NaN), exact label sets, order only when asked, one value per step for ranges.
import { compareLabels, formatLabels, labelsKey, type Labels } from "../../labels/labels.ts";
import type { Matrix, Value } from "../value.ts";
import type { FloatHistogram } from "../histogram.ts";
import { histogramDifference } from "./histogram-notation.ts";
import type { EvalCmd, ExpectedSeries } from "./script.ts";

const EPSILON = 1e-6;
const MIN_NORMAL = 2.2250738585072014e-308;

export function almostEqual(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < EPSILON * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < EPSILON;
}

function fmtNum(v: number): string {
  return Number.isNaN(v) ? "NaN" : v === Infinity ? "+Inf" : v === -Infinity ? "-Inf" : String(v);
}

export function describeValue(v: Value): string {
  switch (v.type) {
    case "scalar":
      return `scalar ${fmtNum(v.v)}`;
    case "string":
      return `string ${JSON.stringify(v.v)}`;
    case "vector":
      return v.samples.length === 0 ? "empty vector" : v.samples.map((s) => `${formatLabels(s.metric)} ${s.h ? "<histogram>" : fmtNum(s.v)}`).join("\n");
    case "matrix":
      return v.series.length === 0
        ? "empty matrix"
        : v.series.map((s) => `${formatLabels(s.metric)} ${Array.from(s.ts, (t, i) => `${fmtNum(s.vs[i])}@${t / 1000}`).join(" ")}`).join("\n");
  }
}

export function describeExpected(cmd: EvalCmd): string {
  if (cmd.expectString !== null) return `string ${JSON.stringify(cmd.expectString)}`;
  if (cmd.expectScalar !== null) return `scalar ${fmtNum(cmd.expectScalar)}`;
  if (cmd.series.length === 0) return "empty result";
  return cmd.series.map((s) => `${formatLabels(s.labels)} ${s.values.map((v) => (v.omitted ? "_" : v.h ? "<histogram>" : fmtNum(v.v))).join(" ")}`).join("\n");
}

// Compares an instant query's value (or one step of a range query turned into a vector).
export function compareInstant(cmd: EvalCmd, val: Value, ordered: boolean): string | null {
  if (cmd.expectString !== null) {
    if (val.type !== "string") return `expected string ${JSON.stringify(cmd.expectString)}, got ${val.type}`;
    return val.v === cmd.expectString ? null : `expected string ${JSON.stringify(cmd.expectString)} but got ${JSON.stringify(val.v)}`;
  }
  if (cmd.rangeVector) {
    if (val.type !== "matrix") return `expected range vector, got ${val.type}`;
    return compareMatrix(cmd.series, val, cmd.rangeVector.start, cmd.rangeVector.end, cmd.rangeVector.step);
  }
  if (val.type === "scalar") {
    if (cmd.expectScalar === null) return `expected vector result, got scalar ${fmtNum(val.v)}`;
    return almostEqual(cmd.expectScalar, val.v) ? null : `expected scalar ${fmtNum(cmd.expectScalar)} but got ${fmtNum(val.v)}`;
  }
  if (cmd.expectScalar !== null) return `expected scalar ${fmtNum(cmd.expectScalar)}, got ${val.type}`;
  if (val.type === "matrix") return "received range result on instant evaluation";
  if (val.type !== "vector") return `unexpected result type ${val.type}`;
  const expected = new Map<string, { s: ExpectedSeries; pos: number }>();
  cmd.series.forEach((s, i) => expected.set(labelsKey(s.labels), { s, pos: i }));
  const seen = new Set<string>();
  for (let pos = 0; pos < val.samples.length; pos++) {
    const smp = val.samples[pos];
    const key = labelsKey(smp.metric);
    const exp = expected.get(key);
    if (!exp) return `unexpected metric ${formatLabels(smp.metric)} in result, has value ${fmtNum(smp.v)}`;
    if (ordered && exp.pos !== pos) return `expected metric ${formatLabels(smp.metric)} at position ${exp.pos + 1} but was at ${pos + 1}`;
    const e = exp.s.values[0];
    if (!e || e.omitted) return `expected no value for ${formatLabels(smp.metric)}`;
    if (e.h || smp.h) {
      if (!(e.h && smp.h)) return `expected ${e.h ? "histogram" : "float"} for ${formatLabels(smp.metric)}`;
      const d = histogramDifference(e.h, smp.h);
      if (d) return `histogram for ${formatLabels(smp.metric)} differs: ${d}`;
    } else if (!almostEqual(e.v, smp.v)) return `expected ${fmtNum(e.v)} for ${formatLabels(smp.metric)} but got ${fmtNum(smp.v)}`;
    seen.add(key);
  }
  for (const [key, exp] of expected) if (!seen.has(key)) return `expected metric ${formatLabels(exp.s.labels)} not found`;
  return null;
}

export function compareMatrix(expectedSeries: ExpectedSeries[], val: Matrix, start: number, end: number, step: number): string | null {
  const expected = new Map(expectedSeries.map((s) => [labelsKey(s.labels), s]));
  const seen = new Set<string>();
  const unsorted = unsortedError(val);
  if (unsorted) return unsorted;
  for (const s of val.series) {
    const key = labelsKey(s.metric);
    const exp = expected.get(key);
    if (!exp) return `unexpected metric ${formatLabels(s.metric)} in result`;
    seen.add(key);
    const points: { t: number; v: number; h?: FloatHistogram }[] = [];
    for (let i = 0; i < exp.values.length; i++) {
      const t = start + i * step;
      if (t > end) return `expected ${exp.values.length} points for ${formatLabels(s.metric)}, but query time range cannot return this many points`;
      const e = exp.values[i];
      if (!e.omitted) points.push({ t, v: e.v, h: e.h });
    }
    if (points.length !== s.ts.length) {
      return `expected ${points.length} points for ${formatLabels(s.metric)}, but got ${s.ts.length}`;
    }
    for (let i = 0; i < points.length; i++) {
      if (points[i].t !== s.ts[i]) return `expected point ${i} of ${formatLabels(s.metric)} at t=${points[i].t / 1000}s, got t=${s.ts[i] / 1000}s`;
      const act = s.hs?.[i];
      if (points[i].h || act) {
        if (!points[i].h || !act) return `expected a ${points[i].h ? "histogram" : "float"} at t=${points[i].t / 1000}s for ${formatLabels(s.metric)}`;
        const d = histogramDifference(points[i].h!, act);
        if (d) return `histogram at t=${points[i].t / 1000}s for ${formatLabels(s.metric)} differs: ${d}`;
        continue;
      }
      if (!almostEqual(points[i].v, s.vs[i])) return `expected ${fmtNum(points[i].v)} at t=${points[i].t / 1000}s for ${formatLabels(s.metric)}, got ${fmtNum(s.vs[i])}`;
    }
  }
  for (const [key, s] of expected) if (!seen.has(key)) return `expected metric ${formatLabels(s.labels)} not found`;
  return null;
}

// The value of a range query at one step, as an instant result would be.
export function matrixAt(m: Matrix, t: number): { vector: Value; labels: Labels[] } {
  const samples = [];
  for (const s of m.series) {
    const i = Array.prototype.indexOf.call(s.ts, t) as number;
    if (i >= 0) samples.push({ metric: s.metric, t, v: s.vs[i], h: s.hs?.[i] });
  }
  return { vector: { type: "vector", samples }, labels: samples.map((s) => s.metric) };
}

export function checkAnnotations(cmd: EvalCmd, warnings: string[], infos: string[]): string | null {
  for (const kind of ["warn", "info"] as const) {
    const got = kind === "warn" ? warnings : infos;
    const exps = cmd.expectations.filter((e) => e.kind === kind);
    const none = kind === "warn" ? cmd.noWarn : cmd.noInfo;
    if (none && got.length > 0) return `expected no ${kind} annotations but got: ${got.join("; ")}`;
    if (exps.length === 0) continue;
    if (got.length === 0) return `expected ${kind} annotations but got none`;
    const matches = (e: (typeof exps)[number], a: string) => (e.msg !== undefined ? a === e.msg : e.regex ? e.regex.test(a) : true);
    for (const e of exps) {
      if (!got.some((a) => matches(e, a))) return `expected ${kind} ${e.msg !== undefined ? JSON.stringify(e.msg) : e.regex ? e.regex : ""} but got: ${got.join("; ")}`;
    }
    for (const a of got) if (!exps.some((e) => matches(e, a))) return `unexpected ${kind} annotation: ${a}`;
  }
  return null;
}

export function unsortedError(m: Matrix): string | null {
  for (let i = 1; i < m.series.length; i++) {
    if (compareLabels(m.series[i - 1].metric, m.series[i].metric) >= 0) return "range result is not sorted by labels";
  }
  return null;
}
