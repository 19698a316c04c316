// `aeon sidecar` next to a real Prometheus (Debian's 2.42) that scrapes itself every second with
// 1-minute blocks: Series returns exactly the raw samples Prometheus's own API returns; label
// calls and Info agree; `aeon query` over the sidecar answers like Prometheus; the block
// Prometheus cuts lands in a filesystem bucket exactly once, across a sidecar restart; a dead
// Prometheus turns into Unavailable; a Prometheus without external labels is refused.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { LabelNamesRequestSchema, LabelValuesRequestSchema, SeriesRequestSchema, type SeriesResponse } from "../../src/gen/thanos/store/rpc_pb.ts";
import { xorDecode } from "../../src/kernels/xor-ref.ts";
import { formatLabels, Matcher, sortLabels, type Label } from "../../src/labels/index.ts";
import { createStoreClient, type GrpcStoreClient } from "../../src/store/grpc/index.ts";
import { matchersToProto, StoreError } from "../../src/store/index.ts";
import { parseMeta } from "../../src/tsdb/block/meta.ts";
import { freePort, waitFor } from "../helpers/net.ts";
import { repoRoot, startAeon, startProcess, startPrometheus, type PrometheusProc, type Proc } from "../helpers/processes.ts";

const hasPrometheus = (() => {
  try {
    execFileSync("prometheus", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const CONFIG = (ext: string) => `
global:
  scrape_interval: 1s
  evaluation_interval: 1s
${ext}
scrape_configs:
  - job_name: prom
    static_configs: [{ targets: ["127.0.0.1:$PORT"] }]
`;
const EXT = `  external_labels:\n    cluster: test\n    replica: r1`;
const BLOCK_FLAGS = ["--storage.tsdb.min-block-duration=1m", "--storage.tsdb.max-block-duration=1m"];
const METRICS = "up|go_goroutines|prometheus_tsdb_head_series|prometheus_http_requests_total";

type Samples = [number, number][];

async function promApi(prom: { url: string }, path: string, params: Record<string, string>): Promise<any> {
  const r = await fetch(`${prom.url}${path}?${new URLSearchParams(params)}`);
  const text = await r.text();
  let j: { status: string; data: unknown; error?: string };
  try {
    j = JSON.parse(text);
  } catch {
    throw new Error(`${prom.url}${path} ${JSON.stringify(params)}: HTTP ${r.status}, not JSON: ${JSON.stringify(text.slice(0, 300))}`);
  }
  assert.equal(j.status, "success", `${path}: ${j.error}`);
  return j.data;
}

function isStale(v: number, bits: DataView): boolean {
  bits.setFloat64(0, v);
  return bits.getUint32(0) === 0x7ff00000 && bits.getUint32(4) === 2;
}

// Raw samples per series (labels without the external ones) from the sidecar's Series stream.
function seriesSamples(resps: SeriesResponse[], mint: number, maxt: number, strip: string[]): Map<string, Samples> {
  const out = new Map<string, Samples>();
  const bits = new DataView(new ArrayBuffer(8));
  for (const r of resps) {
    if (r.result.case !== "series") continue;
    const key = formatLabels(r.result.value.labels.filter((l) => !strip.includes(l.name)));
    const samples: Samples = out.get(key) ?? [];
    for (const c of r.result.value.chunks) {
      assert.equal(c.raw?.type, 0, "XOR chunk (storepb XOR=0)");
      const { ts, vs } = xorDecode(c.raw!.data);
      for (let i = 0; i < ts.length; i++) if (ts[i] >= mint && ts[i] <= maxt && !isStale(vs[i], bits)) samples.push([ts[i], vs[i]]);
    }
    out.set(key, samples);
  }
  return out;
}

function matrixSamples(data: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] }): Map<string, Samples> {
  assert.equal(data.resultType, "matrix");
  const out = new Map<string, Samples>();
  for (const s of data.result) {
    const key = formatLabels(sortLabels(Object.entries(s.metric).map(([name, value]) => ({ name, value }))));
    out.set(key, s.values.map(([t, v]) => [Math.round(t * 1000), Number(v)]));
  }
  return out;
}

async function collect(it: AsyncIterable<SeriesResponse>): Promise<SeriesResponse[]> {
  const out: SeriesResponse[] = [];
  for await (const r of it) out.push(r);
  return out;
}

describe("aeon sidecar with a real Prometheus", { skip: !hasPrometheus && "prometheus not installed", timeout: 420_000 }, () => {
  let dir: string;
  let prom: PrometheusProc;
  let sidecar: Proc;
  let client: GrpcStoreClient;
  let grpcPort: number;
  let sidecarArgs: string[];
  let sidecarReady: string;
  const bucketDir = () => join(dir, "bucket");
  const tsdbPath = () => join(prom.dataDir, "data");

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "aeon-sidecar-e2e-"));
    prom = await startPrometheus(CONFIG(EXT), BLOCK_FLAGS);
    await writeFile(join(dir, "objstore.yml"), `type: FILESYSTEM\nconfig:\n  directory: ${bucketDir()}\n`);
    grpcPort = await freePort();
    const http = await freePort();
    sidecarReady = `http://127.0.0.1:${http}/-/ready`;
    sidecarArgs = [
      "sidecar",
      `--prometheus.url=${prom.url}`,
      `--tsdb.path=${tsdbPath()}`,
      `--objstore.config-file=${join(dir, "objstore.yml")}`,
      `--grpc-address=127.0.0.1:${grpcPort}`,
      `--http-address=127.0.0.1:${http}`,
      "--shipper.interval=1s",
      "--prometheus.metadata-interval=2s",
    ];
    sidecar = await startAeon(sidecarArgs, sidecarReady, 60_000);
    client = createStoreClient({ address: `127.0.0.1:${grpcPort}` });
    // A few scrapes' worth of samples.
    await waitFor("5 scrapes of up", async () => {
      const d = await promApi(prom, "/api/v1/query", { query: "count_over_time(up[1m])" });
      return d.result.length === 1 && Number(d.result[0].value[1]) >= 5;
    }, 60_000, 500);
  });
  after(async () => {
    await client?.close();
    await sidecar?.stop();
    await prom?.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(prom?.dataDir ?? "/nonexistent", { recursive: true, force: true });
  });

  test("Info: external labels, component sidecar, Prometheus's time range", async () => {
    const info = await client.info();
    assert.equal(info.ComponentType, "sidecar");
    assert.deepEqual(info.labelSets[0].labels.map((l) => [l.name, l.value]), [["cluster", "test"], ["replica", "r1"]]);
    assert.equal(info.store?.maxTime, 2n ** 63n - 1n);
    // min_time is the head's first sample (no block yet) or the oldest block: in the past, not unbounded.
    await waitFor("min_time known", async () => (await client.info()).store!.minTime > 0n, 10_000, 200);
    const min = (await client.info()).store!.minTime;
    assert.ok(min <= BigInt(Date.now()), `min_time ${min} in the past`);
    assert.equal(info.store?.supportsWithoutReplicaLabels, true);
  });

  test("Series returns exactly Prometheus's raw samples, with external labels, sorted", async () => {
    const t = Date.now() - 1000;
    const mint = t - 600_000;
    const ms = [new Matcher("=~", "__name__", METRICS), new Matcher("=", "cluster", "test")];
    const resps = await collect(client.series(create(SeriesRequestSchema, { minTime: BigInt(mint), maxTime: BigInt(t), matchers: matchersToProto(ms) })));
    const labelSets = resps.filter((r) => r.result.case === "series").map((r) => (r.result.value as { labels: Label[] }).labels);
    for (const ls of labelSets) {
      assert.deepEqual(ls.filter((l) => l.name === "cluster" || l.name === "replica").map((l) => l.value), ["test", "r1"]);
      assert.deepEqual(ls.map((l) => l.name), [...ls.map((l) => l.name)].sort(), "labels sorted by name");
    }
    const keys = labelSets.map((ls) => ls.map((l) => `${l.name}\xff${l.value}`).join("\xfe"));
    assert.deepEqual(keys, [...keys].sort(), "series sorted by label set");
    const got = seriesSamples(resps, mint, t, ["cluster", "replica"]);
    const want = matrixSamples(await promApi(prom, "/api/v1/query", { query: `{__name__=~"${METRICS}"}[10m]`, time: (t / 1000).toFixed(3) }));
    assert.ok(want.size >= 4, `Prometheus has several series (${want.size})`);
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [k, samples] of want) assert.deepEqual(got.get(k), samples, k);
    // A failing external-label matcher selects nothing, without asking Prometheus.
    const none = await collect(client.series(create(SeriesRequestSchema, { minTime: BigInt(mint), maxTime: BigInt(t), matchers: matchersToProto([new Matcher("=", "__name__", "up"), new Matcher("=", "cluster", "other")]) })));
    assert.equal(none.length, 0);
  });

  test("skip_chunks and without_replica_labels", async () => {
    const t = Date.now();
    const ms = matchersToProto([new Matcher("=~", "__name__", "prometheus_tsdb_.*")]);
    const resps = await collect(client.series(create(SeriesRequestSchema, { minTime: BigInt(t - 60_000), maxTime: BigInt(t), matchers: ms, skipChunks: true, withoutReplicaLabels: ["replica"] })));
    const sets = resps.map((r) => (r.result.value as { labels: Label[]; chunks: unknown[] }));
    assert.ok(sets.length > 5);
    for (const s of sets) {
      assert.equal(s.chunks.length, 0);
      assert.ok(!s.labels.some((l) => l.name === "replica"));
      assert.ok(s.labels.some((l) => l.name === "cluster" && l.value === "test"));
    }
    const want = await promApi(prom, "/api/v1/series", { "match[]": `{__name__=~"prometheus_tsdb_.*"}`, start: ((t - 60_000) / 1000).toFixed(3), end: (t / 1000).toFixed(3) });
    assert.equal(sets.length, want.length);
  });

  test("LabelNames and LabelValues agree with Prometheus (plus external labels)", async () => {
    const t = Date.now();
    const range = { start: BigInt(t - 120_000), end: BigInt(t) };
    const params = { start: ((t - 120_000) / 1000).toFixed(3), end: (t / 1000).toFixed(3) };
    const names = await client.labelNames(create(LabelNamesRequestSchema, range));
    const promNames: string[] = await promApi(prom, "/api/v1/labels", params);
    assert.deepEqual(names.names, [...new Set([...promNames, "cluster", "replica"])].sort());
    const jobs = await client.labelValues(create(LabelValuesRequestSchema, { ...range, label: "job" }));
    assert.deepEqual(jobs.values, await promApi(prom, "/api/v1/label/job/values", params));
    const handlers = await client.labelValues(create(LabelValuesRequestSchema, { ...range, label: "handler", matchers: matchersToProto([new Matcher("=", "__name__", "prometheus_http_requests_total")]) }));
    assert.deepEqual(handlers.values, await promApi(prom, "/api/v1/label/handler/values", { ...params, "match[]": "prometheus_http_requests_total" }));
    assert.deepEqual((await client.labelValues(create(LabelValuesRequestSchema, { ...range, label: "cluster" }))).values, ["test"]);
    const stripped = await client.labelNames(create(LabelNamesRequestSchema, { ...range, withoutReplicaLabels: ["replica"] }));
    assert.ok(!stripped.names.includes("replica"));
  });

  test("the block Prometheus cuts is shipped once, meta.json with the thanos section, and not again after a restart", async () => {
    const shipped = await waitFor("a block in the bucket", async () => {
      const ids = (await readdir(bucketDir()).catch(() => [] as string[])).filter((n) => /^[0-9A-Z]{26}$/.test(n));
      for (const id of ids) if (await stat(join(bucketDir(), id, "meta.json")).catch(() => undefined)) return id;
      return undefined;
    }, 300_000, 1000);
    const meta = parseMeta(await readFile(join(bucketDir(), shipped, "meta.json"), "utf8"));
    assert.equal(meta.ulid, shipped);
    assert.deepEqual(meta.thanos?.labels, { cluster: "test", replica: "r1" });
    assert.equal(meta.thanos?.source, "sidecar");
    assert.equal(meta.thanos?.downsample.resolution, 0);
    assert.equal(meta.compaction.level, 1);
    // Uploaded files are exactly the local block's (meta.json is written last by uploadBlock;
    // its order is asserted in tests/sidecar/shipper.test.ts with a recording bucket).
    const local = await readdir(join(tsdbPath(), shipped, "chunks"));
    assert.deepEqual(await readdir(join(bucketDir(), shipped, "chunks")), local);
    const state = JSON.parse(await readFile(join(tsdbPath(), "thanos.shipper.json"), "utf8"));
    assert.equal(state.version, 1);
    assert.ok(state.uploaded.includes(shipped));
    assert.match(sidecar.output(), new RegExp(`msg="upload new block" id=${shipped}`));
    const mtime = (await stat(join(bucketDir(), shipped, "meta.json"))).mtimeMs;

    await sidecar.stop();
    sidecar = await startAeon(sidecarArgs, sidecarReady, 60_000);
    await client.close();
    client = createStoreClient({ address: `127.0.0.1:${grpcPort}` });
    // Several shipper passes (1s interval) after the restart.
    await new Promise((r) => setTimeout(r, 4000));
    assert.doesNotMatch(sidecar.output(), new RegExp(`upload new block" id=${shipped}`));
    assert.equal((await stat(join(bucketDir(), shipped, "meta.json"))).mtimeMs, mtime);
    assert.ok(JSON.parse(await readFile(join(tsdbPath(), "thanos.shipper.json"), "utf8")).uploaded.includes(shipped));
  });

  test("aeon store serves the shipped block with Prometheus's samples", async () => {
    const id = JSON.parse(await readFile(join(tsdbPath(), "thanos.shipper.json"), "utf8")).uploaded[0] as string;
    const meta = parseMeta(await readFile(join(bucketDir(), id, "meta.json"), "utf8"));
    const [grpc, http] = [await freePort(), await freePort()];
    const store = await startAeon(
      ["store", `--objstore.config-file=${join(dir, "objstore.yml")}`, `--data-dir=${join(dir, "store")}`, `--grpc-address=127.0.0.1:${grpc}`, `--http-address=127.0.0.1:${http}`],
      `http://127.0.0.1:${http}/-/ready`,
      60_000,
    );
    const sc = createStoreClient({ address: `127.0.0.1:${grpc}` });
    try {
      const [mint, maxt] = [meta.minTime, meta.maxTime - 1];
      const resps = await collect(sc.series(create(SeriesRequestSchema, { minTime: BigInt(mint), maxTime: BigInt(maxt), matchers: matchersToProto([new Matcher("=~", "__name__", METRICS)]) })));
      for (const r of resps) if (r.result.case === "series") assert.ok(r.result.value.labels.some((l) => l.name === "cluster" && l.value === "test"));
      const got = seriesSamples(resps, mint, maxt, ["cluster", "replica"]);
      const want = matrixSamples(await promApi(prom, "/api/v1/query", { query: `{__name__=~"${METRICS}"}[${maxt - mint}ms]`, time: (maxt / 1000).toFixed(3) }));
      assert.ok(want.size >= 4);
      assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
      for (const [k, samples] of want) assert.deepEqual(got.get(k), samples.filter(([t]) => t >= mint), k);
    } finally {
      await sc.close();
      await store.stop();
    }
  });

  // Runs after the shipper test so Prometheus has well over a minute of data: rate() windows are
  // then fully covered. (On counters younger than the window, Prometheus 2.42 and current
  // Prometheus, which our engine follows, extrapolate differently towards zero.)
  test("aeon query over the sidecar answers like Prometheus", async () => {
    const http = await freePort();
    const q = await startAeon(["query", `--endpoint=127.0.0.1:${grpcPort}`, "--query.replica-label=replica", `--http-address=127.0.0.1:${http}`, `--grpc-address=127.0.0.1:${await freePort()}`], `http://127.0.0.1:${http}/-/ready`, 60_000);
    try {
      const t = ((Date.now() - 2000) / 1000).toFixed(3);
      const norm = (d: { resultType: string; result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[] }) =>
        d.result
          .map((s) => {
            const { cluster: _c, ...metric } = s.metric;
            return { metric: formatLabels(sortLabels(Object.entries(metric).map(([name, value]) => ({ name, value })))), values: (s.values ?? [s.value!]).map(([ts, v]) => [ts, Number(v)]) };
          })
          .sort((a, b) => (a.metric < b.metric ? -1 : 1));
      const close = (a: unknown, b: unknown) => {
        const x = a as { metric: string; values: [number, number][] }[];
        const y = b as typeof x;
        assert.deepEqual(x.map((s) => s.metric), y.map((s) => s.metric));
        x.forEach((s, i) => {
          assert.deepEqual(s.values.map((p) => p[0]), y[i].values.map((p) => p[0]));
          s.values.forEach(([, v], j) => {
            const w = y[i].values[j][1];
            assert.ok(v === w || Math.abs(v - w) <= 1e-9 * Math.max(Math.abs(v), Math.abs(w)), `${s.metric}: ${v} vs ${w}`);
          });
        });
      };
      const queries = ["up", "prometheus_tsdb_head_series", 'rate(prometheus_http_requests_total{handler="/metrics"}[10s])', "sum by (job) (rate(prometheus_tsdb_head_samples_appended_total[10s]))", 'count(count by (__name__) ({__name__=~"go_.*"}))', "max_over_time(go_goroutines[1m])"];
      for (const query of queries) {
        const want = await promApi(prom, "/api/v1/query", { query, time: t });
        const got = await promApi({ url: `http://127.0.0.1:${http}` }, "/api/v1/query", { query, time: t });
        assert.equal(got.resultType, want.resultType, query);
        assert.ok(want.result.length > 0, `${query} has data`);
        close(norm(got), norm(want));
      }
      const range = { query: "rate(process_cpu_seconds_total[10s])", start: (Number(t) - 30).toFixed(3), end: t, step: "2" };
      const want = await promApi(prom, "/api/v1/query_range", range);
      const got = await promApi({ url: `http://127.0.0.1:${http}` }, "/api/v1/query_range", range);
      assert.ok(want.result.length > 0);
      close(norm(got), norm(want));
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- aeon query output ---\n${q.output().slice(-3000)}`, { cause: e });
    } finally {
      await q.stop();
    }
  });

  test("a stopped Prometheus makes Series fail with Unavailable (sidecar stays up)", async () => {
    await prom.stop();
    await assert.rejects(
      collect(client.series(create(SeriesRequestSchema, { minTime: 0n, maxTime: BigInt(Date.now()), matchers: matchersToProto([new Matcher("=", "__name__", "up")]) }))),
      (e: Error) => e instanceof StoreError && e.code === "Unavailable",
    );
    assert.equal(sidecar.child.exitCode, null);
  });
});

test("aeon sidecar refuses a Prometheus without external labels", { skip: !hasPrometheus && "prometheus not installed", timeout: 90_000 }, async () => {
  const prom = await startPrometheus(CONFIG(""));
  try {
    const p = startProcess(process.execPath, [join(repoRoot, "bin", "aeon"), "sidecar", `--prometheus.url=${prom.url}`, `--tsdb.path=${join(prom.dataDir, "data")}`, `--grpc-address=127.0.0.1:${await freePort()}`, `--http-address=127.0.0.1:${await freePort()}`]);
    try {
      await waitFor("sidecar exit", async () => p.child.exitCode !== null, 60_000, 100);
    } finally {
      await p.stop("SIGKILL");
    }
    assert.notEqual(p.child.exitCode, 0);
    assert.match(p.output(), /no external labels configured on Prometheus server, uniquely identifying external labels must be configured/);
  } finally {
    await prom.stop();
    await rm(prom.dataDir, { recursive: true, force: true });
  }
});

test("aeon sidecar refuses to ship from a Prometheus that compacts locally", { skip: !hasPrometheus && "prometheus not installed", timeout: 90_000 }, async () => {
  const prom = await startPrometheus(CONFIG(EXT)); // default block durations: 2h min, 1d12h max
  const dir = await mkdtemp(join(tmpdir(), "aeon-sidecar-compact-"));
  try {
    const args = [join(repoRoot, "bin", "aeon"), "sidecar", `--prometheus.url=${prom.url}`, `--tsdb.path=${join(prom.dataDir, "data")}`, `--objstore.config=type: FILESYSTEM\nconfig:\n  directory: ${dir}\n`];
    const p = startProcess(process.execPath, [...args, `--grpc-address=127.0.0.1:${await freePort()}`, `--http-address=127.0.0.1:${await freePort()}`]);
    try {
      await waitFor("sidecar exit", async () => p.child.exitCode !== null, 60_000, 100);
    } finally {
      await p.stop("SIGKILL");
    }
    assert.notEqual(p.child.exitCode, 0);
    assert.match(p.output(), /compaction needs to be disabled \(storage\.tsdb\.min-block-duration = storage\.tsdb\.max-block-duration\)/);
  } finally {
    await prom.stop();
    await rm(prom.dataDir, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  }
});
