// `aeon all-in-one --demo`: a small synthetic workload so a newcomer sees data at once. It
// writes through the same path remote write uses (tenant TSDB: WAL + head), every 15 s, for a
// handful of jobs and instances: an `up` gauge, a request counter with occasional resets, a
// temperature-like gauge and a classic latency histogram.
import type { Label } from "../labels/labels.ts";
import { sortLabels } from "../labels/labels.ts";
import type { LocalTSDB, WriteBatch, WriteSeries } from "../tsdb/head/db.ts";

const INTERVAL_MS = 15_000;
const BUCKETS = ["0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"];

interface DemoSeries {
  labels: Label[];
  next(t: number): number;
}

function makeSeries(): DemoSeries[] {
  const out: DemoSeries[] = [];
  const add = (rec: Record<string, string>, next: (t: number) => number) =>
    out.push({ labels: sortLabels(Object.entries(rec).map(([name, value]) => ({ name, value }))), next });
  for (const job of ["api", "web"]) {
    for (let i = 0; i < 3; i++) {
      const instance = `${job}-${i}:8080`;
      add({ __name__: "up", job, instance }, () => 1);
      for (const code of ["200", "404", "500"]) {
        let total = 0;
        const rate = code === "200" ? 40 : code === "404" ? 3 : 0.5;
        add({ __name__: "demo_http_requests_total", job, instance, code }, () => {
          if (Math.random() < 0.0005) total = 0; // a process restart now and then
          total += Math.round(rate * (INTERVAL_MS / 1000) * (0.5 + Math.random()));
          return total;
        });
      }
      add({ __name__: "demo_temperature_celsius", job, instance }, (t) => Math.round((21 + 4 * Math.sin(t / 3_600_000 + i) + Math.random()) * 100) / 100);
      const counts = BUCKETS.map(() => 0);
      let sum = 0;
      let lastT = -1;
      const observe = (t: number) => {
        if (t === lastT) return;
        lastT = t;
        for (let k = 0; k < 20; k++) {
          const d = Math.random() * Math.random() * 3;
          sum += d;
          BUCKETS.forEach((b, j) => {
            if (b === "+Inf" || d <= Number(b)) counts[j]++;
          });
        }
      };
      BUCKETS.forEach((le, j) =>
        add({ __name__: "demo_request_duration_seconds_bucket", job, instance, le }, (t) => {
          observe(t);
          return counts[j];
        }),
      );
      add({ __name__: "demo_request_duration_seconds_sum", job, instance }, (t) => {
        observe(t);
        return Math.round(sum * 1000) / 1000;
      });
      add({ __name__: "demo_request_duration_seconds_count", job, instance }, (t) => {
        observe(t);
        return counts[counts.length - 1];
      });
    }
  }
  return out;
}

export class DemoWorkload {
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly series = makeSeries();

  constructor(private readonly db: () => Promise<LocalTSDB>) {}

  // One scrape of every series at time t, appended and made durable like a remote write.
  async tick(t = Date.now()): Promise<void> {
    const ts = new Float64Array(this.series.length);
    const vs = new Float64Array(this.series.length);
    const series: WriteSeries[] = this.series.map((s, i) => {
      ts[i] = t;
      vs[i] = s.next(t);
      return { labels: s.labels, start: i, end: i + 1 };
    });
    const batch: WriteBatch = { series, ts, vs };
    const db = await this.db();
    db.append(batch);
    await db.commit();
  }

  // Backfills the last hour first so rate() and friends have data at once. After a restart
  // the head refuses the older samples as out of order, which is harmless.
  start(backfillMs = 3_600_000): void {
    void (async () => {
      const now = Date.now();
      for (let t = now - backfillMs; t < now; t += INTERVAL_MS) await this.tick(t);
      await this.tick(now);
    })().catch(() => undefined);
    this.timer = setInterval(() => void this.tick().catch(() => undefined), INTERVAL_MS);
    (this.timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
