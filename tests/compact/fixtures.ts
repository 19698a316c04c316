// Shared fixtures for the compactor tests: a filesystem bucket filled with 2h blocks written by
// promtool from generated OpenMetrics data, and helpers to read a bucket back through promtool.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downloadBlock, MetaFetcher, uploadBlock } from "../../src/blockstore/index.ts";
import { FilesystemBucket, type Bucket } from "../../src/objstore/index.ts";
import { resolution, type BlockMeta } from "../../src/tsdb/index.ts";
import { generate, type GenSeries } from "../e2e/openmetrics-gen.ts";
import { repoRoot } from "../helpers/processes.ts";

export const hasPromtool = existsSync("/usr/bin/promtool");
export const H = 3_600_000;
export const D = 24 * H;

export interface Fixture {
  dir: string;
  db: string; // promtool's output (a Prometheus data dir)
  bucketDir: string;
  bucket: FilesystemBucket;
  config: string; // objstore YAML
  configFile: string;
  series: GenSeries[];
  ids: string[];
  cleanup(): Promise<void>;
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

// Blocks by promtool; every 2h block uploaded with the given external labels.
export async function promtoolBucket(opts: {
  startMs: number;
  endMs: number;
  stepMs: number;
  instances: number;
  labels?: Record<string, string>[];
  dir?: string;
  // promtool's --max-block-duration (it picks 2h, 6h, 18h, … blocks); default 2h blocks.
  maxBlockDuration?: string;
}): Promise<Fixture> {
  const dir = opts.dir ?? (await tempDir("aeon-compact-"));
  const { text, series } = generate({ startMs: opts.startMs, endMs: opts.endMs, stepMs: opts.stepMs, instances: opts.instances });
  await writeFile(join(dir, "data.om"), text);
  const db = join(dir, "promtool");
  const extra = opts.maxBlockDuration ? [`--max-block-duration=${opts.maxBlockDuration}`] : [];
  execFileSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", ...extra, join(dir, "data.om"), db], { stdio: "pipe" });
  await mkdir(join(db, "wal"), { recursive: true });
  const blocks = (await readdir(db)).filter((n) => /^[0-9A-Z]{26}$/.test(n)).sort();
  const bucketDir = join(dir, "bucket");
  await mkdir(bucketDir, { recursive: true });
  const bucket = new FilesystemBucket({ directory: bucketDir });
  const ids: string[] = [];
  for (const labels of opts.labels ?? [{ cluster: "eu", replica: "a" }]) {
    for (const b of blocks) {
      // Each label set gets its own copy (fresh ULID) so replica streams can share the data.
      const meta = await uploadBlockAs(bucket, join(db, b), labels, dir);
      ids.push(meta.ulid);
    }
  }
  const config = `type: FILESYSTEM\nconfig:\n  directory: ${bucketDir}\n`;
  const configFile = join(dir, "objstore.yaml");
  await writeFile(configFile, config);
  return { dir, db, bucketDir, bucket, config, configFile, series, ids, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

let seq = 0;
// Uploads a local block under a new ULID (same data), so several streams can hold copies.
async function uploadBlockAs(bucket: Bucket, src: string, labels: Record<string, string>, scratch: string): Promise<BlockMeta> {
  const { readFile } = await import("node:fs/promises");
  const { newUlid } = await import("../../src/blockstore/index.ts");
  const { parseMeta, stringifyMeta } = await import("../../src/tsdb/index.ts");
  const meta = parseMeta(await readFile(join(src, "meta.json"), "utf8"));
  const id = newUlid(Date.now() - 3 * H + seq++);
  const dst = join(scratch, "staging", id);
  await mkdir(join(scratch, "staging"), { recursive: true });
  execFileSync("cp", ["-r", src, dst], { stdio: "pipe" });
  meta.ulid = id;
  meta.compaction = { level: 1, sources: [id] };
  await writeFile(join(dst, "meta.json"), stringifyMeta(meta));
  const out = await uploadBlock(bucket, dst, { labels, source: "sidecar" });
  await rm(dst, { recursive: true, force: true });
  return out;
}

// Visible blocks (not marked for deletion), optionally of one resolution.
export async function visibleBlocks(bucket: Bucket, res?: number): Promise<BlockMeta[]> {
  const r = await new MetaFetcher(bucket, { filters: [(_m, marks) => (marks.deletion ? "deleted" : undefined)] }).fetch();
  return [...r.metas.values()].filter((m) => res === undefined || resolution(m) === res).sort((a, b) => a.minTime - b.minTime);
}

// Downloads the given blocks into a fresh dir (as a Prometheus data dir).
export async function downloadAll(bucket: Bucket, metas: BlockMeta[], dir: string): Promise<string> {
  await mkdir(join(dir, "wal"), { recursive: true });
  for (const m of metas) await downloadBlock(bucket, m.ulid, join(dir, m.ulid));
  return dir;
}

export function promtoolDump(dbDir: string): string[] {
  return execFileSync("promtool", ["tsdb", "dump", dbDir], { encoding: "utf8", maxBuffer: 1 << 30 })
    .split("\n")
    .filter((l) => l.length > 0)
    .sort();
}

export function objectStoreYaml(dir: string): string {
  return `type: FILESYSTEM\nconfig:\n  directory: ${dir}\n`;
}

// Independent downsampling reference for the tests: per 5m (or 1h) window of the generated
// samples in [mint, maxt), count/sum/min/max, keyed by window index.
export interface WindowAggr {
  count: number;
  sum: number;
  min: number;
  max: number;
}

export function windowAggregates(samples: [number, number][], res: number, mint: number, maxt: number): Map<number, WindowAggr> {
  const out = new Map<number, WindowAggr>();
  for (const [t, v] of samples) {
    if (t < mint || t >= maxt) continue;
    const w = Math.floor(t / res);
    const a = out.get(w);
    if (!a) out.set(w, { count: 1, sum: v, min: v, max: v });
    else {
      a.count++;
      a.sum += v;
      a.min = Math.min(a.min, v);
      a.max = Math.max(a.max, v);
    }
  }
  return out;
}

// Total increase of a counter with resets (a drop = the counter restarted from 0).
export function rawIncrease(samples: [number, number][], mint: number, maxt: number): number {
  let inc = 0;
  let prev: number | undefined;
  for (const [t, v] of samples) {
    if (t < mint || t >= maxt) continue;
    if (prev !== undefined) inc += v >= prev ? v - prev : v;
    prev = v;
  }
  return inc;
}

export function seriesKey(labels: Record<string, string> | readonly { name: string; value: string }[]): string {
  const pairs = Array.isArray(labels) ? (labels as readonly { name: string; value: string }[]).map((l) => [l.name, l.value]) : Object.entries(labels as Record<string, string>);
  return pairs
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

// Runs `bin/aeon <args>` to completion (one compactor pass); returns exit code and output.
export function runAeon(args: string[]): { code: number; output: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, "bin", "aeon"), ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  return { code: r.status ?? -1, output: (r.stdout ?? "") + (r.stderr ?? "") };
}
