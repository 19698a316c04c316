// Neumaier-compensated summation and the shared statistics helpers, with Prometheus's exact
// order of operations so results agree to the last bits that matter.

// Returns the new sum; the new compensation is left in kahan.c.
export const kahan = { c: 0 };
export function kahanInc(inc: number, sum: number, c: number): number {
  const t = sum + inc;
  if (t === Infinity || t === -Infinity) c = 0;
  else if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
  else c += inc - t + sum;
  kahan.c = c;
  return t;
}

// Prometheus's quantile(): linear interpolation between the closest ranks; values is sorted
// in place (NaN first, as Prometheus's ordering does).
export function quantile(q: number, values: number[] | Float64Array): number {
  const n = values.length;
  if (n === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  sortNaNFirst(values);
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower] * (1 - weight) + values[upper] * weight;
}

export function sortNaNFirst(values: number[] | Float64Array): void {
  (values as number[]).sort((a, b) => {
    if (a !== a) return b !== b ? 0 : -1;
    if (b !== b) return 1;
    return a - b;
  });
}

// Incremental mean with Kahan compensation that falls back from sum/count to an incremental
// mean once the plain sum would overflow (Prometheus's avg and avg_over_time).
export class MeanAcc {
  sum = 0;
  c = 0;
  mean = 0;
  count = 0;
  incremental = false;
  reset(): void {
    this.sum = 0;
    this.c = 0;
    this.mean = 0;
    this.count = 0;
    this.incremental = false;
  }
  add(f: number): void {
    this.count++;
    if (!this.incremental) {
      const ns = kahanInc(f, this.sum, this.c);
      if (this.count === 1 || (ns !== Infinity && ns !== -Infinity)) {
        this.sum = ns;
        this.c = kahan.c;
        return;
      }
      this.incremental = true;
      this.mean = this.sum / (this.count - 1);
      this.c /= this.count - 1;
    }
    const q = (this.count - 1) / this.count;
    this.mean = kahanInc(f / this.count, q * this.mean, q * this.c);
    this.c = kahan.c;
  }
  value(): number {
    if (this.incremental) return this.mean + this.c;
    return this.sum / this.count + this.c / this.count;
  }
}
