// Real-peer baseline for the PromQL benchmark: Debian's Prometheus (2.42) answers the same
// range query over the same data, imported as TSDB blocks with promtool; our engine runs on the
// same series held in memory. Run: node --import tsx bench/promql-prometheus.ts
// Prometheus's own evalTotalTime (stats=all) is compared, besides HTTP wall time; it includes
// reading chunks from its block files, which our in-memory Queryable does not have to do.
// (2.42 uses left-closed windows, so a few values differ from 3.x; the work done is the same.)
import { execFileSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../src/promql/engine/index.ts";
import { startPrometheus } from "../tests/helpers/processes.ts";
import { counterSeries, MemQueryable } from "./promql-data.ts";

const SERIES = Number(process.env.SERIES ?? 1000);
const SAMPLES = 5760;
const STEP = 60_000;
const END = 86_400_000 - STEP;
const RUNS = Number(process.env.RUNS ?? 5);
const QUERY = "sum by (x) (rate(m[5m]))";

const dir = await mkdtemp(join(tmpdir(), "aeon-promql-bench-"));
const data = counterSeries(SERIES, SAMPLES, 15_000, 10);

// OpenMetrics text, series after series (timestamps in seconds).
const file = join(dir, "data.om");
await new Promise<void>((resolve, reject) => {
  const out = createWriteStream(file);
  out.on("error", reject);
  for (const s of data) {
    const sel = `m{i="${s.labels[1].value}",x="${s.labels[2].value}"}`;
    let chunk = "";
    for (let i = 0; i < s.ts.length; i++) chunk += `${sel} ${s.vs[i]} ${(s.ts[i] / 1000).toFixed(3)}\n`;
    out.write(chunk);
  }
  out.end("# EOF\n", () => resolve());
});
const blocks = join(dir, "prom", "data");
execFileSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", "-q", file, blocks], { stdio: "inherit" });
await rm(file);

const prom = await startPrometheus("global: {}\n", ["--storage.tsdb.retention.time=100y"], join(dir, "prom"));
try {
  const url = `${prom.url}/api/v1/query_range?query=${encodeURIComponent(QUERY)}&start=0&end=${END / 1000}&step=${STEP / 1000}&stats=all`;
  const promEval: number[] = [];
  const promWall: number[] = [];
  for (let r = 0; r < RUNS + 1; r++) {
    const t0 = performance.now();
    const body = (await (await fetch(url)).json()) as { status: string; data: { result: unknown[]; stats: { timings: { evalTotalTime: number } } } };
    const wall = performance.now() - t0;
    if (body.status !== "success" || body.data.result.length !== 10) throw new Error(`prometheus: ${JSON.stringify(body).slice(0, 300)}`);
    if (r === 0) continue; // warm-up (page cache, chunk mmaps)
    promEval.push(body.data.stats.timings.evalTotalTime * 1000);
    promWall.push(wall);
  }
  const engine = new Engine();
  const q = new MemQueryable(data);
  const ours: number[] = [];
  for (let r = 0; r < RUNS + 1; r++) {
    const t0 = performance.now();
    const res = await engine.rangeQuery(q, QUERY, 0, END, STEP);
    const dt = performance.now() - t0;
    if (res.value.type !== "matrix" || res.value.series.length !== 10) throw new Error("engine: unexpected result");
    if (r > 0) ours.push(dt);
  }
  const median = (a: number[]) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const samples = SERIES * SAMPLES;
  const row = (name: string, ms: number) => `${name.padEnd(36)} ${ms.toFixed(1).padStart(9)} ms  ${((samples / ms) * 1000 / 1e6).toFixed(1).padStart(6)} M samples/s`;
  console.log(`${QUERY}: ${SERIES} series x ${SAMPLES} samples, 1440 steps; median of ${RUNS} runs`);
  console.log(row("Prometheus 2.42 evalTotalTime", median(promEval)));
  console.log(row("Prometheus 2.42 HTTP wall time", median(promWall)));
  console.log(row("Aeon Engine.rangeQuery (in-memory)", median(ours)));
  console.log(`ratio Prometheus eval / Aeon: ${(median(promEval) / median(ours)).toFixed(2)}x`);
} finally {
  await prom.stop();
  await rm(dir, { recursive: true, force: true });
}
