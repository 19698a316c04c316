// A small Prometheus metrics registry: counters, gauges and histograms with labels, exposed in
// the text format 0.0.4. Thanos-style metric names are chosen by the callers. Children are cached
// per label-value tuple so hot paths hold a child and only do `inc()`.

export const TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type LabelValues = Record<string, string>;

interface MetricOpts {
  name: string;
  help: string;
  labelNames?: readonly string[];
}

export interface Collector {
  // Appends complete metric families (with # HELP / # TYPE) to `out`.
  collect(out: string[]): void;
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

const escapeLabelValue = (s: string): string => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const escapeHelp = (s: string): string => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

function labelString(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const parts: string[] = [];
  for (let i = 0; i < names.length; i++) parts.push(`${names[i]}="${escapeLabelValue(values[i])}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

abstract class Metric<Child> implements Collector {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  protected readonly children = new Map<string, { values: string[]; child: Child }>();
  protected abstract readonly type: string;

  constructor(opts: MetricOpts) {
    if (!NAME_RE.test(opts.name)) throw new Error(`invalid metric name ${JSON.stringify(opts.name)}`);
    for (const l of opts.labelNames ?? []) if (!LABEL_RE.test(l)) throw new Error(`invalid label name ${JSON.stringify(l)}`);
    this.name = opts.name;
    this.help = opts.help;
    this.labelNames = opts.labelNames ?? [];
  }

  protected abstract newChild(): Child;

  // The child for these label values (missing labels are ""); created on first use.
  labels(values: LabelValues = {}): Child {
    const vs = this.labelNames.map((n) => values[n] ?? "");
    const key = vs.join("\xff");
    let e = this.children.get(key);
    if (!e) {
      e = { values: vs, child: this.newChild() };
      this.children.set(key, e);
    }
    return e.child;
  }

  remove(values: LabelValues): void {
    this.children.delete(this.labelNames.map((n) => values[n] ?? "").join("\xff"));
  }

  collect(out: string[]): void {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`);
    for (const { values, child } of this.children.values()) this.collectChild(out, values, child);
  }

  protected abstract collectChild(out: string[], values: string[], child: Child): void;
}

export class CounterChild {
  value = 0;
  inc(v = 1): void {
    if (v < 0) throw new Error("counter cannot decrease");
    this.value += v;
  }
}

export class Counter extends Metric<CounterChild> {
  protected readonly type = "counter";
  constructor(opts: MetricOpts) {
    super(opts);
    if (this.labelNames.length === 0) this.labels();
  }
  protected newChild(): CounterChild {
    return new CounterChild();
  }
  inc(v = 1, labels?: LabelValues): void {
    this.labels(labels).inc(v);
  }
  protected collectChild(out: string[], values: string[], c: CounterChild): void {
    out.push(`${this.name}${labelString(this.labelNames, values)} ${formatValue(c.value)}`);
  }
}

export class GaugeChild {
  value = 0;
  set(v: number): void {
    this.value = v;
  }
  inc(v = 1): void {
    this.value += v;
  }
  dec(v = 1): void {
    this.value -= v;
  }
}

export class Gauge extends Metric<GaugeChild> {
  protected readonly type = "gauge";
  // Optional callback evaluated at scrape time (for values owned elsewhere).
  private readonly sample?: () => number;
  constructor(opts: MetricOpts & { collect?: () => number }) {
    super(opts);
    this.sample = opts.collect;
    if (this.labelNames.length === 0) this.labels();
  }
  protected newChild(): GaugeChild {
    return new GaugeChild();
  }
  set(v: number, labels?: LabelValues): void {
    this.labels(labels).set(v);
  }
  inc(v = 1, labels?: LabelValues): void {
    this.labels(labels).inc(v);
  }
  dec(v = 1, labels?: LabelValues): void {
    this.labels(labels).dec(v);
  }
  protected collectChild(out: string[], values: string[], g: GaugeChild): void {
    if (this.sample && this.labelNames.length === 0) g.value = this.sample();
    out.push(`${this.name}${labelString(this.labelNames, values)} ${formatValue(g.value)}`);
  }
}

export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class HistogramChild {
  readonly counts: Float64Array; // per bucket, NOT cumulative; last slot is +Inf
  sum = 0;
  count = 0;
  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(v: number): void {
    let i = 0;
    while (i < this.bounds.length && v > this.bounds[i]) i++;
    this.counts[i]++;
    this.sum += v;
    this.count++;
  }
  // Observes the seconds elapsed since `startMs` (a performance.now() / Date.now() reading).
  observeSince(startMs: number, now = performance.now()): void {
    this.observe((now - startMs) / 1000);
  }
}

export class Histogram extends Metric<HistogramChild> {
  protected readonly type = "histogram";
  readonly buckets: readonly number[];
  constructor(opts: MetricOpts & { buckets?: readonly number[] }) {
    super(opts);
    if (this.labelNames.includes("le")) throw new Error("histogram label name 'le' is reserved");
    const b = [...(opts.buckets ?? DEFAULT_BUCKETS)].filter((x) => x !== Infinity);
    for (let i = 1; i < b.length; i++) if (!(b[i] > b[i - 1])) throw new Error("histogram buckets must increase");
    this.buckets = b;
    if (this.labelNames.length === 0) this.labels();
  }
  protected newChild(): HistogramChild {
    return new HistogramChild(this.buckets);
  }
  observe(v: number, labels?: LabelValues): void {
    this.labels(labels).observe(v);
  }
  protected collectChild(out: string[], values: string[], h: HistogramChild): void {
    let cum = 0;
    for (let i = 0; i <= this.buckets.length; i++) {
      cum += h.counts[i];
      const le = i < this.buckets.length ? formatValue(this.buckets[i]) : "+Inf";
      out.push(`${this.name}_bucket${labelString(this.labelNames, values, ["le", le])} ${formatValue(cum)}`);
    }
    const ls = labelString(this.labelNames, values);
    out.push(`${this.name}_sum${ls} ${formatValue(h.sum)}`, `${this.name}_count${ls} ${formatValue(h.count)}`);
  }
}

export class Registry {
  private readonly collectors = new Map<string, Collector>();
  private readonly extra: Collector[] = [];

  private add<T extends Collector & { name: string }>(m: T): T {
    const have = this.collectors.get(m.name);
    if (have) {
      // Re-registering the same kind returns the existing metric, so components sharing a
      // registry can each ask for e.g. the gRPC metrics without coordinating.
      if (have.constructor === m.constructor) return have as T;
      throw new Error(`metric ${m.name} already registered with another type`);
    }
    this.collectors.set(m.name, m);
    return m;
  }

  counter(opts: MetricOpts): Counter {
    return this.add(new Counter(opts));
  }
  gauge(opts: MetricOpts & { collect?: () => number }): Gauge {
    return this.add(new Gauge(opts));
  }
  histogram(opts: MetricOpts & { buckets?: readonly number[] }): Histogram {
    return this.add(new Histogram(opts));
  }
  // A collector producing whole families itself (e.g. process metrics).
  register(c: Collector): void {
    this.extra.push(c);
  }

  // The exposition text (format 0.0.4), families sorted by name.
  metricsText(): string {
    const out: string[] = [];
    for (const name of [...this.collectors.keys()].sort()) this.collectors.get(name)!.collect(out);
    for (const c of this.extra) c.collect(out);
    return out.join("\n") + "\n";
  }
}
