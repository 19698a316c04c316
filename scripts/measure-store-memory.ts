// Resident memory of `aeon store` serving a big bucket (made by scripts/gen-store-bucket.ts):
// starts bin/aeon store on it, samples the process's RSS (/proc/PID/status VmRSS) every 50 ms
// through the initial sync and a set of queries that touch every block, and prints the peak
// against the total size of the blocks' indexes.
// Usage: node --import tsx scripts/measure-store-memory.ts BUCKET_DIR [INDEX_CACHE_SIZE=64MB] [NODE_FLAGS]
// NODE_FLAGS (one string, e.g. "--max-old-space-size=128 --max-semi-space-size=4") are passed to
// the store's node process: without a heap cap V8 lets garbage pile up to a large share of the
// machine's RAM before collecting it, so RSS says little about what the store retains.
// (make BUCKET_DIR with scripts/gen-store-bucket.ts write DIR 1 460000 && … replicate DIR 4)
// AEON_STORE_FLAGS (env, space-separated) adds store flags, e.g.
// AEON_STORE_FLAGS="--store.enable-index-header-lazy-reader --store.index-header-posting-offsets-in-mem-sampling=64".
import { spawn } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { LabelNamesRequestSchema, LabelValuesRequestSchema, SeriesRequestSchema } from "../src/gen/thanos/store/rpc_pb.ts";
import { Matcher } from "../src/labels/index.ts";
import { createStoreClient } from "../src/store/grpc/index.ts";
import { matchersToProto } from "../src/store/index.ts";
import { freePort, httpOk, waitFor } from "../tests/helpers/net.ts";

const [bucketDir, cacheSize = "64MB", nodeFlags = ""] = process.argv.slice(2);
if (!bucketDir) throw new Error("usage: measure-store-memory.ts BUCKET_DIR [INDEX_CACHE_SIZE]");
const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");

let indexBytes = 0;
const ids = (await readdir(bucketDir)).filter((n) => /^[0-9A-Z]{26}$/.test(n));
for (const id of ids) indexBytes += (await stat(join(bucketDir, id, "index"))).size;

// Index-header files persist here between runs: delete it to measure a first start.
const storeData = join(bucketDir, "..", "store-data");
const [grpc, http] = [await freePort(), await freePort()];
const storeFlags = (process.env.AEON_STORE_FLAGS ?? "").split(" ").filter(Boolean);
const args = [
  ...nodeFlags.split(" ").filter(Boolean),
  join(root, "bin", "aeon"),
  "store",
  `--objstore.config=type: FILESYSTEM\nconfig:\n  directory: ${bucketDir}\n`,
  `--data-dir=${storeData}`,
  `--grpc-address=127.0.0.1:${grpc}`,
  `--http-address=127.0.0.1:${http}`,
  `--index-cache-size=${cacheSize}`,
  ...storeFlags,
];
const child = spawn(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"] });
const rss = async () => {
  const s = await readFile(`/proc/${child.pid}/status`, "utf8").catch(() => "");
  const m = /VmRSS:\s+(\d+) kB/.exec(s);
  return m ? Number(m[1]) * 1024 : 0;
};
let peak = 0;
let phase = "sync";
const peaks: Record<string, number> = {};
const sampler = setInterval(async () => {
  const r = await rss();
  peak = Math.max(peak, r);
  peaks[phase] = Math.max(peaks[phase] ?? 0, r);
}, 50);
// Where the resident memory is: the JS heap V8 has committed and the memory outside it
// (Buffers), from the store's own /metrics, every 250 ms.
const heapPeaks: Record<string, { heap: number; external: number }> = {};
const metricsSampler = setInterval(async () => {
  const text = await fetch(`http://127.0.0.1:${http}/metrics`).then((r) => r.text()).catch(() => "");
  const heap = Number(/^nodejs_heap_size_total_bytes (\S+)/m.exec(text)?.[1] ?? 0);
  const external = Number(/^nodejs_external_memory_bytes (\S+)/m.exec(text)?.[1] ?? 0);
  const p = (heapPeaks[phase] ??= { heap: 0, external: 0 });
  p.heap = Math.max(p.heap, heap);
  p.external = Math.max(p.external, external);
}, 250);

const t0 = Date.now();
await waitFor("store ready", async () => httpOk(`http://127.0.0.1:${http}/-/ready`), 3_600_000, 200);
const syncS = (Date.now() - t0) / 1000;
const client = createStoreClient({ address: `127.0.0.1:${grpc}` });
const m = (t: "=" | "=~" | "!=", n: string, v: string) => new Matcher(t, n, v);
const queries: [string, Matcher[]][] = [
  ['{__name__="bench_metric_7"}', [m("=", "__name__", "bench_metric_7")]],
  ['{job="job-3", namespace=~"ns-1.*"}', [m("=", "job", "job-3"), m("=~", "namespace", "ns-1.*")]],
  [`{__name__="bench_metric_1", zone!="zone-0"}`, [m("=", "__name__", "bench_metric_1"), m("!=", "zone", "zone-0")]],
  ['{pod_uid=~"00.*"}', [m("=~", "pod_uid", "00.*")]],
];
const results: string[] = [];
for (const [name, ms] of queries) {
  phase = name;
  const t = Date.now();
  let series = 0;
  let chunks = 0;
  for await (const r of client.series(create(SeriesRequestSchema, { minTime: 0n, maxTime: BigInt(9e15), matchers: matchersToProto(ms) }))) {
    if (r.result.case !== "series") continue;
    series++;
    chunks += r.result.value.chunks.length;
  }
  const hp = heapPeaks[name] ?? { heap: 0, external: 0 };
  results.push(`${name}: ${series} series, ${chunks} chunks, ${((Date.now() - t) / 1000).toFixed(1)} s, peak RSS ${((peaks[name] ?? 0) / 2 ** 20).toFixed(0)} MiB (JS heap ${(hp.heap / 2 ** 20).toFixed(0)} MiB, external ${(hp.external / 2 ** 20).toFixed(0)} MiB)`);
}
phase = "labels";
const names = await client.labelNames(create(LabelNamesRequestSchema, {}));
const jobs = await client.labelValues(create(LabelValuesRequestSchema, { label: "job", matchers: matchersToProto([m("=", "namespace", "ns-3")]) }));
results.push(`LabelNames: ${names.names.length} names; LabelValues(job, namespace="ns-3"): ${jobs.values.length} values`);
clearInterval(sampler);
clearInterval(metricsSampler);
const metrics = await (await fetch(`http://127.0.0.1:${http}/metrics`)).text();
const loaded = /thanos_bucket_store_blocks_loaded (\d+)/.exec(metrics)?.[1];
const headers = [...metrics.matchAll(/aeon_bucket_store_index_headers_total\{origin="(\w+)"\} (\d+)/g)].map((x) => `${x[2]} ${x[1]}`).join(", ");
await client.close();
child.kill("SIGTERM");

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
console.log(`store flags: --index-cache-size=${cacheSize} ${storeFlags.join(" ")}; node flags: ${nodeFlags || "(none)"}`);
const lazyLoads = /^thanos_bucket_store_indexheader_lazy_load_total (\S+)/m.exec(metrics)?.[1];
if (lazyLoads !== undefined && storeFlags.some((f) => f.includes("lazy-reader"))) console.log(`lazy index-header loads: ${lazyLoads}`);
console.log(`blocks: ${ids.length} (loaded ${loaded}), total index size ${mib(indexBytes)} (${(indexBytes / 2 ** 30).toFixed(3)} GiB)`);
console.log(`index-headers: ${headers || "none"} (in ${storeData})`);
console.log(`initial sync + ready: ${syncS.toFixed(1)} s, peak RSS during sync ${mib(peaks.sync ?? 0)} (JS heap ${mib(heapPeaks.sync?.heap ?? 0)}, external ${mib(heapPeaks.sync?.external ?? 0)})`);
for (const r of results) console.log(r);
console.log(`peak RSS overall: ${mib(peak)} = ${((100 * peak) / indexBytes).toFixed(1)}% of the index size (budget: 25%)`);
