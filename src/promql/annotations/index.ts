// Warning and info annotations with Prometheus's exact texts. Each text ends with the
// `(line:col)` position of the offending sub-expression in the query, as Prometheus prints it.
import type { PosRange } from "../ast.ts";

const WARN = "PromQL warning";
const INFO = "PromQL info";

// Go's %q for the metric names and label values quoted in annotation texts.
function q(s: string): string {
  return JSON.stringify(s);
}

// Go's %g for numbers in annotation texts (e.g. "got -1.1", "got NaN").
export function goG(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    return v.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  }
  return String(v);
}

export class Annotations {
  readonly warnings = new Set<string>();
  readonly infos = new Set<string>();
  constructor(private readonly query: string) {}

  // "line:col" of a character offset, 1-based, like Prometheus's PositionRange.StartPosInput.
  position(pos: PosRange | undefined): string {
    const p = pos ? pos.start : 0;
    if (p < 0 || p > this.query.length) return "invalid position:";
    const before = this.query.slice(0, p);
    let line = 1;
    for (const ch of before) if (ch === "\n") line++;
    const lastBreak = before.lastIndexOf("\n");
    return `${line}:${p - lastBreak}`;
  }

  warn(text: string, pos: PosRange | undefined): void {
    this.warnings.add(`${WARN}: ${text} (${this.position(pos)})`);
  }
  info(text: string, pos: PosRange | undefined): void {
    this.infos.add(`${INFO}: ${text} (${this.position(pos)})`);
  }
  addWarningsRaw(ws: string[]): void {
    for (const w of ws) this.warnings.add(w);
  }

  // --- the annotations Prometheus emits, by name ---
  possibleNonCounter(metricName: string, pos: PosRange): void {
    this.info(`metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${q(metricName)}`, pos);
  }
  possibleNonCounterLabel(metricName: string, typ: string, pos: PosRange): void {
    this.info(`metric might not be a counter, __type__ label is not set to "counter", got ${q(typ)}: ${q(metricName)}`, pos);
  }
  invalidQuantile(v: number, pos: PosRange): void {
    this.warn(`quantile value should be between 0 and 1, got ${goG(v)}`, pos);
  }
  invalidRatio(v: number, capped: number, pos: PosRange): void {
    this.warn(`ratio value should be between -1 and 1, got ${goG(v)}, capping to ${goG(capped)}`, pos);
  }
  badBucketLabel(metricName: string, le: string, pos: PosRange): void {
    this.warn(`bucket label "le" is missing or has a malformed value of ${q(le)} for metric name ${q(metricName)}`, pos);
  }
  forcedMonotonicity(metricName: string, pos: PosRange): void {
    this.info(
      `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name ${q(metricName)}`,
      pos,
    );
  }
  quantileNaN(fn: string, metricName: string, pos: PosRange): void {
    this.info(`input to ${fn} has NaN observations, result is NaN for metric name ${q(metricName)}`, pos);
  }
  sortIneffective(pos: PosRange): void {
    this.warn("sort is ineffective for range queries since results are always ordered by labels", pos);
  }
  mixedFloatsHistograms(metricName: string, pos: PosRange): void {
    this.warn(`encountered a mix of histograms and floats for metric name ${q(metricName)}`, pos);
  }
  mixedClassicNative(metricName: string, pos: PosRange): void {
    this.warn(`vector contains a mix of classic and native histograms for metric name ${q(metricName)}`, pos);
  }
  histogramIgnoredInAggregation(op: string, pos: PosRange): void {
    this.info(`ignored histogram in ${op} aggregation`, pos);
  }
  startTimeOverlap(metricName: string, pos: PosRange): void {
    this.warn(`sample has start time that overlaps with previous sample timestamp for metric ${q(metricName)}`, pos);
  }
}
