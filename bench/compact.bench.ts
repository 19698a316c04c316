// Compactor throughput on local blocks (no bucket I/O): horizontal compaction (chunks copied
// byte for byte), vertical compaction of two overlapping replicas (decode + WASM chain merge +
// re-encode), and raw -> 5m downsampling (WASM kernel + AggrChunk encoding). Baseline in the
// same run: the naive compaction that decodes every series and re-encodes it from samples
// (BlockWriter.addFloatSeries) — what a compactor without the chunk-copy path does.
// Workload: 2000 series, 12 x 2h blocks at a 30s interval = 2.88M samples (x2 for the replicas).
// Peak memory: `AEON_COMPACT_BENCH_RSS=1 node --import tsx bench/compact.bench.ts` writes the
// inputs, then runs each operation once in a fresh child process (inputs already on disk) and
// prints its wall time and process.resourceUsage().maxRSS.
import { bench, group, summary } from "mitata";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downsampleBlock, mergeBlocks } from "../src/compact/index.ts";
import { Matcher } from "../src/labels/index.ts";
import { BlockWriter, iterSeriesSamples, openBlockDir, RES_5M, type BlockReader } from "../src/tsdb/index.ts";

const H = 3_600_000;
const SERIES = Number(process.env.AEON_COMPACT_BENCH_SERIES ?? 2000);
const BLOCKS = 12;
const STEP = 30_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % (2 * H));
const SAMPLES = SERIES * BLOCKS * ((2 * H) / STEP);

// A child of the RSS mode gets the parent's inputs and writes nothing.
const given = process.env.AEON_COMPACT_BENCH_INPUTS;
const root = given ?? mkdtempSync(join(tmpdir(), "aeon-compact-bench-"));
const listBlocks = (d: string) => readdirSync(d).filter((n) => /^[0-9A-Z]{26}$/.test(n)).sort().map((n) => join(d, n));

async function writeInputs(dir: string, replica: number): Promise<string[]> {
  const dirs: string[] = [];
  for (let b = 0; b < BLOCKS; b++) {
    const mint = T0 + b * 2 * H;
    const w = await BlockWriter.create(dir, { minTime: mint, maxTime: mint + 2 * H });
    const n = (2 * H) / STEP;
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    for (let i = 0; i < SERIES; i++) {
      let v = i * 10;
      for (let k = 0; k < n; k++) {
        ts[k] = mint + k * STEP + (replica ? 1 : 0) * 0; // replicas share timestamps (HA pair)
        v += (k * 7 + i) % 13;
        vs[k] = v;
      }
      await w.addFloatSeries([{ name: "__name__", value: "bench_metric" }, { name: "series", value: String(i).padStart(5, "0") }], ts, vs);
    }
    dirs.push((await w.finish()).dir);
  }
  return dirs;
}

const thanos = { version: 1, labels: { cluster: "bench" }, downsample: { resolution: 0 }, source: "compactor" };
const a = given ? listBlocks(join(root, "a")) : await writeInputs(join(root, "a"), 0);
const b = given ? listBlocks(join(root, "b")) : await writeInputs(join(root, "b"), 1);
const open = (dirs: string[]) => Promise.all(dirs.map((d) => openBlockDir(d)));
const closeAll = (rs: BlockReader[]) => Promise.all(rs.map((r) => r.close()));
const out = join(root, "out");

async function compactCopy(): Promise<void> {
  const rs = await open(a);
  const r = await mergeBlocks(rs, out, { thanos });
  await closeAll(rs);
  rmSync(r.dir, { recursive: true, force: true });
}

async function compactVertical(): Promise<void> {
  const rs = await open([...a, ...b]);
  const r = await mergeBlocks(rs, out, { thanos, dedup: "chain" });
  await closeAll(rs);
  rmSync(r.dir, { recursive: true, force: true });
}

// Baseline: decode everything, k-way by series (inputs share series order), re-encode.
async function compactNaive(): Promise<void> {
  const rs = await open(a);
  const w = await BlockWriter.create(out, {});
  const its = rs.map((r) => iterSeriesSamples(r, [new Matcher("=~", "__name__", ".+")]));
  for (;;) {
    const parts = await Promise.all(its.map((it) => it.next()));
    if (parts[0].done) break;
    const n = parts.reduce((s, p) => s + (p.done ? 0 : p.value.ts.length), 0);
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    let o = 0;
    for (const p of parts) {
      if (p.done) continue;
      ts.set(p.value.ts, o);
      vs.set(p.value.vs, o);
      o += p.value.ts.length;
    }
    await w.addFloatSeries(parts[0].value.labels, ts, vs);
  }
  const r = await w.finish();
  await closeAll(rs);
  rmSync(r.dir, { recursive: true, force: true });
}

// The 24h block to downsample (made once).
const merged = given ? listBlocks(join(root, "merged"))[0] : await (async () => {
  const rs = await open(a);
  const r = await mergeBlocks(rs, join(root, "merged"), { thanos });
  await closeAll(rs);
  return r.dir;
})();

async function downsample5m(): Promise<void> {
  const r = await openBlockDir(merged);
  const d = await downsampleBlock(r, RES_5M, out, { thanos: { ...thanos, downsample: { resolution: RES_5M } } });
  await r.close();
  rmSync(d.dir, { recursive: true, force: true });
}

const ops: Record<string, () => Promise<void>> = {
  "compact copy": compactCopy,
  "compact vertical (2 replicas)": compactVertical,
  "compact naive re-encode (baseline)": compactNaive,
  "downsample raw->5m": downsample5m,
};

export const itemsPerIteration: Record<string, number> = {
  "compact copy": SAMPLES,
  "compact vertical (2 replicas)": 2 * SAMPLES,
  "compact naive re-encode (baseline)": SAMPLES,
  "downsample raw->5m": SAMPLES,
};

const rssOp = process.env.AEON_COMPACT_BENCH_OP;
if (rssOp) {
  // Child: one operation, then report.
  const t = performance.now();
  await ops[rssOp]();
  const ms = performance.now() - t;
  console.log(JSON.stringify({ op: rssOp, samples: itemsPerIteration[rssOp], ms: Math.round(ms), samplesPerSec: Math.round(itemsPerIteration[rssOp] / (ms / 1000)), maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
} else if (process.env.AEON_COMPACT_BENCH_RSS) {
  for (const op of Object.keys(ops)) {
    const r = spawnSync(process.execPath, ["--import", "tsx", new URL(import.meta.url).pathname], {
      env: { ...process.env, AEON_COMPACT_BENCH_INPUTS: root, AEON_COMPACT_BENCH_OP: op, AEON_COMPACT_BENCH_RSS: "" },
      encoding: "utf8",
    });
    process.stdout.write(r.stdout || r.stderr);
  }
  // Floor: the same child process doing nothing but loading the modules and opening nothing.
  const idle = spawnSync(process.execPath, ["--import", "tsx", "-e", 'await import("./src/compact/index.ts"); console.log(JSON.stringify({ op: "idle (module load)", maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }))'], { encoding: "utf8", input: "" });
  process.stdout.write(idle.stdout || idle.stderr);
  rmSync(root, { recursive: true, force: true });
} else {
  summary(() => {
    group(`compaction of ${BLOCKS} x 2h blocks, ${SERIES} series, ${(SAMPLES / 1e6).toFixed(2)}M samples`, () => {
      for (const name of ["compact naive re-encode (baseline)", "compact copy", "compact vertical (2 replicas)"]) bench(name, ops[name]).baseline(name.includes("baseline"));
    });
  });
  group("downsampling", () => {
    bench("downsample raw->5m", downsample5m);
  });
}

export function teardown(): void {
  if (!given && existsSync(root)) rmSync(root, { recursive: true, force: true });
}
