// Remote-write ingestion over HTTP: `aeon receive`'s handler (tests/receive/fixtures/receiver.ts,
// its own process) next to Prometheus's own receiver (`--web.enable-remote-write-receiver`),
// fed the same pre-built requests the same way. Run: node --import tsx bench/receive-vs-prometheus.ts
// Shards emulate Prometheus's remote-write queue: each shard owns its series and sends its
// requests one after another (timestamps increasing), shards run concurrently.
// Not a mitata bench (it measures whole servers); prints samples/s for both and the ratio.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { snappy, v1Request, V1_HEADERS, type TestSeries } from "../tests/receive/fixtures/pb.ts";

const SHARDS = Number(process.env.SHARDS ?? 4);
const REQUESTS_PER_SHARD = Number(process.env.REQUESTS ?? 150);
const SERIES_PER_REQUEST = 500;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function buildRequests(t0: number): Uint8Array[][] {
  const shards: Uint8Array[][] = [];
  for (let s = 0; s < SHARDS; s++) {
    const reqs: Uint8Array[] = [];
    for (let r = 0; r < REQUESTS_PER_SHARD; r++) {
      const series: TestSeries[] = [];
      for (let i = 0; i < SERIES_PER_REQUEST; i++) {
        series.push({
          labels: [
            ["__name__", `http_requests_total_${i % 25}`],
            ["code", String(200 + (i % 5))],
            ["handler", `/api/v1/endpoint/${i % 20}`],
            ["instance", `10.${s}.${i % 7}.${i % 13}:9090`],
            ["job", "api-server"],
            ["method", i % 2 ? "GET" : "POST"],
            ["shard", String(s)],
          ],
          samples: [[t0 + r * 1000, r * 1.5 + i]],
        });
      }
      reqs.push(snappy(v1Request(series)));
    }
    shards.push(reqs);
  }
  return shards;
}

async function drive(url: string, shards: Uint8Array[][]): Promise<{ seconds: number; samples: number }> {
  const start = performance.now();
  let samples = 0;
  await Promise.all(
    shards.map(async (reqs) => {
      for (const body of reqs) {
        const r = await fetch(url, { method: "POST", headers: V1_HEADERS, body: body as BodyInit });
        await r.arrayBuffer();
        if (r.status < 200 || r.status >= 300) throw new Error(`${url}: status ${r.status}`);
        samples += SERIES_PER_REQUEST;
      }
    }),
  );
  return { seconds: (performance.now() - start) / 1000, samples };
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never became ready`);
}

async function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  p.kill("SIGTERM");
  await new Promise((r) => p.once("exit", r));
}

const dir = await mkdtemp(join(tmpdir(), "aeon-rw-vs-prom-"));
const t0 = Date.now() - 10 * 60_000;
const shards = buildRequests(t0);
const warm = buildRequests(t0 - 5 * 60_000).map((r) => r.slice(0, 10)); // first samples create series
const results: Record<string, { seconds: number; samples: number }> = {};
try {
  // Prometheus
  const promPort = await freePort();
  await writeFile(join(dir, "prom.yml"), "global:\n  scrape_interval: 1h\n");
  const prom = spawn("/usr/bin/prometheus", [`--config.file=${join(dir, "prom.yml")}`, `--storage.tsdb.path=${join(dir, "prom")}`, `--web.listen-address=127.0.0.1:${promPort}`, "--web.enable-remote-write-receiver"], { stdio: "ignore" });
  try {
    await waitReady(`http://127.0.0.1:${promPort}/-/ready`);
    await drive(`http://127.0.0.1:${promPort}/api/v1/write`, warm);
    results.prometheus = await drive(`http://127.0.0.1:${promPort}/api/v1/write`, shards);
  } finally {
    await stop(prom);
  }
  // Aeon
  const rx = spawn(process.execPath, ["--import", "tsx", "tests/receive/fixtures/receiver.ts", join(dir, "aeon")], { stdio: ["ignore", "pipe", "ignore"] });
  try {
    const line = await new Promise<string>((res) => createInterface({ input: rx.stdout! }).once("line", res));
    const port = JSON.parse(line).port as number;
    await drive(`http://127.0.0.1:${port}/api/v1/receive`, warm);
    results.aeon = await drive(`http://127.0.0.1:${port}/api/v1/receive`, shards);
  } finally {
    await stop(rx);
  }
  const rate = (r: { seconds: number; samples: number }) => r.samples / r.seconds;
  console.log(`shards=${SHARDS} requests/shard=${REQUESTS_PER_SHARD} series/request=${SERIES_PER_REQUEST}`);
  for (const [k, r] of Object.entries(results)) console.log(`${k.padEnd(12)} ${r.samples} samples in ${r.seconds.toFixed(2)} s = ${Math.round(rate(r))} samples/s`);
  console.log(`aeon / prometheus = ${(rate(results.aeon) / rate(results.prometheus)).toFixed(2)}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
