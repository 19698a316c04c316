// Range-query latency through `aeon store` + `aeon query` vs Debian's Prometheus 2.42 serving the
// same promtool-made blocks from its own disk, side by side, as a ratio (Aeon / Prometheus; below
// 1.0 = Aeon faster). Both are measured over HTTP from this process, warm (one untimed run each).
// Run: node --import tsx bench/query-vs-prometheus.ts   (SERIES, HOURS, RUNS, STEP env overrides)
// Data: SERIES counters `m_total{i,x}` (x in 10 groups) + 10 classic histograms × 10 buckets,
// 15s scrapes, with a few counter resets. Not a test: heavy (minutes of promtool + CPU).
import { execFileSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAeon, startPrometheus } from "../tests/helpers/processes.ts";
import { freePort } from "../tests/helpers/net.ts";
import { uploadBlock } from "../src/blockstore/index.ts";
import { FilesystemBucket } from "../src/objstore/index.ts";

const SERIES = Number(process.env.SERIES ?? 1000);
const HOURS = Number(process.env.HOURS ?? 12);
const RUNS = Number(process.env.RUNS ?? 5);
const STEP_S = Number(process.env.STEP ?? 60);
const SCRAPE = 15_000;
const HOUR = 3_600_000;
const BUCKETS = ["0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "25", "+Inf"];

const QUERIES = [
  "rate(m_total[5m])",
  "sum by (x) (rate(m_total[5m]))",
  "histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))",
  "topk(5, rate(m_total[5m]))",
  "max_over_time(sum by (x) (rate(m_total[5m]))[30m:1m])",
];

const dir = await mkdtemp(join(tmpdir(), "aeon-query-bench-"));
const t0 = Math.floor((Date.now() - (HOURS + 3) * HOUR) / HOUR) * HOUR;
const t1 = t0 + HOURS * HOUR;

// OpenMetrics, one family after another, series after series (timestamps in seconds).
const file = join(dir, "data.om");
await new Promise<void>((resolve, reject) => {
  const out = createWriteStream(file);
  out.on("error", reject);
  let seed = 7;
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  out.write("# TYPE m counter\n");
  for (let s = 0; s < SERIES; s++) {
    const sel = `m_total{i="${s}",x="${s % 10}"}`;
    let v = 0;
    let chunk = "";
    for (let t = t0; t < t1; t += SCRAPE) {
      v = rand() < 0.0005 ? 0 : v + Math.floor(rand() * 10);
      chunk += `${sel} ${v} ${t / 1000}\n`;
    }
    out.write(chunk);
  }
  out.write("# TYPE h_bucket gauge\n");
  for (let s = 0; s < 10; s++) {
    const counts = new Array(BUCKETS.length).fill(0);
    const lines: string[][] = BUCKETS.map(() => []);
    for (let t = t0; t < t1; t += SCRAPE) {
      const obs = Math.floor(rand() * 20);
      for (let o = 0; o < obs; o++) {
        const x = rand() * rand() * 30;
        for (let b = 0; b < BUCKETS.length; b++) if (BUCKETS[b] === "+Inf" || x <= Number(BUCKETS[b])) counts[b]++;
      }
      for (let b = 0; b < BUCKETS.length; b++) lines[b].push(`h_bucket{i="${s}",le="${BUCKETS[b]}"} ${counts[b]} ${t / 1000}\n`);
    }
    for (const l of lines) out.write(l.join(""));
  }
  out.end("# EOF\n", () => resolve());
});

const blocksDir = join(dir, "blocks");
let t = performance.now();
execFileSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", "-q", file, blocksDir], { stdio: "inherit" });
await rm(file);
console.error(`promtool: ${((performance.now() - t) / 1000).toFixed(1)}s`);
const blocks = (await readdir(blocksDir)).filter((b) => /^[0-9A-Z]{26}$/.test(b));

const promDir = join(dir, "prom");
await mkdir(join(promDir, "data"), { recursive: true });
for (const b of blocks) await cp(join(blocksDir, b), join(promDir, "data", b), { recursive: true });
const bucketDir = join(dir, "bucket");
const bucket = new FilesystemBucket({ directory: bucketDir });
for (const b of blocks) await uploadBlock(bucket, join(blocksDir, b), {});

const prom = await startPrometheus("global:\n  scrape_interval: 1h\nscrape_configs: []\n", ["--storage.tsdb.retention.time=100y"], promDir);
const [sg, sh, qg, qh] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
const objstore = `type: FILESYSTEM\nconfig:\n  directory: ${bucketDir}\n`;
// Extra flags for both Aeon processes, e.g. AEON_BENCH_FLAGS="--gc.heap-growth-percent=0", and
// for one of them (AEON_BENCH_STORE_FLAGS, AEON_BENCH_QUERY_FLAGS).
const flagsFrom = (v: string | undefined) => (v ?? "").split(" ").filter(Boolean);
const extraFlags = flagsFrom(process.env.AEON_BENCH_FLAGS);
const store = await startAeon(
  ["store", `--objstore.config=${objstore}`, `--data-dir=${join(dir, "store")}`, `--grpc-address=127.0.0.1:${sg}`, `--http-address=127.0.0.1:${sh}`, ...extraFlags, ...flagsFrom(process.env.AEON_BENCH_STORE_FLAGS)],
  `http://127.0.0.1:${sh}/-/ready`,
  120_000,
);
const query = await startAeon(
  ["query", `--endpoint=127.0.0.1:${sg}`, `--grpc-address=127.0.0.1:${qg}`, `--http-address=127.0.0.1:${qh}`, ...extraFlags, ...flagsFrom(process.env.AEON_BENCH_QUERY_FLAGS)],
  `http://127.0.0.1:${qh}/-/ready`,
);
const aeon = `http://127.0.0.1:${qh}`;

async function timed(base: string, q: string): Promise<{ ms: number; series: number; bytes: number }> {
  // Off the sample grid (+7s) so 2.x and 3.x window edges select the same samples.
  const path = `/api/v1/query_range?query=${encodeURIComponent(q)}&start=${t0 / 1000 + 600 + 7}&end=${t1 / 1000 - 1}&step=${STEP_S}`;
  const started = performance.now();
  // A fresh connection per request: both servers close idle keep-alive sockets on their own
  // schedule, and a reused socket closed under us would fail the run.
  let text: string;
  try {
    const r = await fetch(base + path, { headers: { connection: "close" } });
    text = await r.text();
  } catch (e) {
    throw new Error(`${base}: ${(e as Error).message}\n--- aeon query ---\n${query.output().slice(-3000)}\n--- aeon store ---\n${store.output().slice(-3000)}`);
  }
  const ms = performance.now() - started;
  const body = JSON.parse(text) as { status: string; data: { result: unknown[] } };
  if (body.status !== "success") throw new Error(`${base}: ${text.slice(0, 300)}`);
  return { ms, series: body.data.result.length, bytes: text.length };
}

const median = (a: number[]) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
try {
  console.log(`${SERIES} counters + 100 histogram buckets, ${HOURS}h at 15s (${((SERIES + 100) * HOURS * 240 / 1e6).toFixed(2)} M samples), ${blocks.length} blocks; range over ${HOURS}h - 10m, step ${STEP_S}s; median of ${RUNS} runs (after 1 warm-up)`);
  console.log(`${"query".padEnd(58)} ${"Prometheus".padStart(11)} ${"Aeon".padStart(9)} ${"ratio".padStart(6)}`);
  const ratios: number[] = [];
  for (const q of QUERIES) {
    const p: number[] = [];
    const a: number[] = [];
    for (let r = 0; r <= RUNS; r++) {
      // Interleave so both see the same machine load.
      const pr = await timed(prom.url, q);
      const ar = await timed(aeon, q);
      if (pr.series !== ar.series) throw new Error(`${q}: Prometheus returned ${pr.series} series, Aeon ${ar.series}`);
      if (r === 0) continue;
      p.push(pr.ms);
      a.push(ar.ms);
    }
    const ratio = median(a) / median(p);
    ratios.push(ratio);
    console.log(`${q.padEnd(58)} ${median(p).toFixed(1).padStart(8)} ms ${median(a).toFixed(1).padStart(6)} ms ${ratio.toFixed(2).padStart(6)}`);
  }
  const geo = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
  console.log(`geometric mean ratio Aeon / Prometheus: ${geo.toFixed(2)}`);
} finally {
  await Promise.all([query.stop(), store.stop(), prom.stop()]);
  if (!process.env.KEEP) await rm(dir, { recursive: true, force: true });
  else console.error(`kept ${dir}`);
}
