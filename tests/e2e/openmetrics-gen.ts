// Generates OpenMetrics test data (counters with resets, gauges, classic histograms) for
// `promtool tsdb create-blocks-from openmetrics`, and keeps the samples for comparisons.
// Timestamps in OpenMetrics are seconds; every family is contiguous and the file ends in # EOF.
export interface GenSeries {
  labels: Record<string, string>;
  samples: [number, number][]; // [ms, value]
}

export interface GenOptions {
  startMs: number;
  endMs: number;
  stepMs: number;
  instances: number;
}

// Deterministic pseudo-random numbers so failures reproduce.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function generate(o: GenOptions): { text: string; series: GenSeries[] } {
  const rand = rng(42);
  const families: { name: string; type: string; series: GenSeries[] }[] = [];
  const times: number[] = [];
  for (let t = o.startMs; t < o.endMs; t += o.stepMs) times.push(t);

  const counters: GenSeries[] = [];
  for (let i = 0; i < o.instances; i++) {
    for (const code of ["200", "500"]) {
      let v = Math.floor(rand() * 100);
      const samples: [number, number][] = [];
      for (const t of times) {
        // An occasional reset (process restart) in some series.
        if (rand() < 0.003) v = 0;
        v += Math.floor(rand() * (code === "200" ? 20 : 3));
        samples.push([t, v]);
      }
      counters.push({ labels: { __name__: "http_requests_total", job: "api", instance: `host-${i}:9090`, code }, samples });
    }
  }
  families.push({ name: "http_requests", type: "counter", series: counters });

  const gauges: GenSeries[] = [];
  for (let i = 0; i < o.instances; i++) {
    const samples: [number, number][] = times.map((t, k) => [t, Math.round((50 + 30 * Math.sin(k / 40 + i) + rand() * 5) * 100) / 100]);
    gauges.push({ labels: { __name__: "temperature_celsius", job: "sensors", instance: `host-${i}:9090` }, samples });
  }
  families.push({ name: "temperature_celsius", type: "gauge", series: gauges });

  // A classic histogram per instance: cumulative buckets, _sum and _count.
  const bounds = ["0.1", "0.5", "1", "5", "+Inf"];
  const hist: GenSeries[] = [];
  for (let i = 0; i < o.instances; i++) {
    const counts = bounds.map(() => 0);
    let sum = 0;
    const bucketSeries = bounds.map((le) => ({ labels: { __name__: "request_duration_seconds_bucket", job: "api", instance: `host-${i}:9090`, le }, samples: [] as [number, number][] }));
    const sumSeries: GenSeries = { labels: { __name__: "request_duration_seconds_sum", job: "api", instance: `host-${i}:9090` }, samples: [] };
    const countSeries: GenSeries = { labels: { __name__: "request_duration_seconds_count", job: "api", instance: `host-${i}:9090` }, samples: [] };
    for (const t of times) {
      const n = 1 + Math.floor(rand() * 10);
      for (let k = 0; k < n; k++) {
        const d = rand() * rand() * 6;
        sum += d;
        bounds.forEach((b, j) => {
          if (b === "+Inf" || d <= Number(b)) counts[j]++;
        });
      }
      bucketSeries.forEach((s, j) => s.samples.push([t, counts[j]]));
      sumSeries.samples.push([t, Math.round(sum * 1000) / 1000]);
      countSeries.samples.push([t, counts[counts.length - 1]]);
    }
    hist.push(...bucketSeries, sumSeries, countSeries);
  }
  families.push({ name: "request_duration_seconds", type: "histogram", series: hist });

  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.series) {
      const { __name__, ...rest } = s.labels;
      const ls = Object.entries(rest).map(([k, v]) => `${k}="${v}"`).join(",");
      for (const [t, v] of s.samples) lines.push(`${__name__}{${ls}} ${v} ${t / 1000}`);
    }
  }
  lines.push("# EOF");
  return { text: lines.join("\n") + "\n", series: families.flatMap((f) => f.series) };
}
