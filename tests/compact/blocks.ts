// In-process block fixtures for the compactor tests: blocks written by our BlockWriter from
// generated series, uploaded with chosen external labels; a bucket wrapper that "crashes"
// (every operation fails from a chosen point on, like a killed process); sample read-back.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { downloadBlock, MetaFetcher, newUlid, uploadBlock } from "../../src/blockstore/index.ts";
import { Compactor, compactorMetrics, type CompactorOptions } from "../../src/compact/index.ts";
import { Matcher } from "../../src/labels/index.ts";
import { createLogger, Registry, type Logger } from "../../src/observability/index.ts";
import type { Bucket, IterOptions, ObjectAttributes, UploadBody } from "../../src/objstore/index.ts";
import { BlockWriter, openBlockDir, readSeriesSamples, resolution, type BlockMeta } from "../../src/tsdb/index.ts";
import { H, seriesKey, tempDir } from "./fixtures.ts";

export interface GenSeriesArrays {
  labels: { name: string; value: string }[];
  ts: number[];
  vs: number[];
}

// `n` series with a sample every `step` ms in [mint, maxt).
export function genSeries(n: number, mint: number, maxt: number, step: number, seed = 1): GenSeriesArrays[] {
  const out: GenSeriesArrays[] = [];
  for (let i = 0; i < n; i++) {
    const ts: number[] = [];
    const vs: number[] = [];
    let v = seed * 100 + i;
    for (let t = mint; t < maxt; t += step) {
      ts.push(t);
      v += ((t / step) % 7) + 1;
      vs.push(v);
    }
    out.push({ labels: [{ name: "__name__", value: "m" }, { name: "i", value: String(i).padStart(3, "0") }], ts, vs });
  }
  return out;
}

export async function writeBlock(parent: string, series: GenSeriesArrays[], mint: number, maxt: number): Promise<string> {
  const w = await BlockWriter.create(parent, { minTime: mint, maxTime: maxt, ulid: newUlid(Date.now() - 3 * H + Math.floor(Math.random() * 1000)) });
  for (const s of series) {
    const ts: number[] = [];
    const vs: number[] = [];
    s.ts.forEach((t, k) => {
      if (t >= mint && t < maxt) {
        ts.push(t);
        vs.push(s.vs[k]);
      }
    });
    if (ts.length > 0) await w.addFloatSeries(s.labels, ts, vs);
  }
  return (await w.finish()).dir;
}

// 2h blocks over [mint, maxt) uploaded with `labels`; returns the block IDs.
export async function uploadRange(bucket: Bucket, scratch: string, series: GenSeriesArrays[], mint: number, maxt: number, labels: Record<string, string>, blockLen = 2 * H): Promise<string[]> {
  const ids: string[] = [];
  await mkdir(scratch, { recursive: true });
  for (let t = mint; t < maxt; t += blockLen) {
    const dir = await writeBlock(scratch, series, t, Math.min(maxt, t + blockLen));
    const meta = await uploadBlock(bucket, dir, { labels, source: "sidecar" });
    await rm(dir, { recursive: true, force: true });
    ids.push(meta.ulid);
  }
  return ids;
}

export function quietLogger(lines: string[] = []): Logger {
  return createLogger({ level: "debug", write: (l) => lines.push(l) });
}

export function newCompactor(bucket: Bucket, dataDir: string, over: Partial<CompactorOptions> = {}, logLines: string[] = []): Compactor {
  return new Compactor({
    bucket,
    dataDir,
    logger: quietLogger(logLines),
    metrics: compactorMetrics(new Registry()),
    consistencyDelayMs: 0,
    deleteDelayMs: 0,
    retention: { raw: 0, fiveMinutes: 0, oneHour: 0 },
    downsamplingDisabled: true,
    replicaLabels: [],
    dedupFunc: "",
    concurrency: 1,
    blockFilesConcurrency: 1,
    maxCompactionLevel: 4,
    ...over,
  });
}

export async function visible(bucket: Bucket): Promise<BlockMeta[]> {
  const r = await new MetaFetcher(bucket, { filters: [(_m, marks) => (marks.deletion ? "deleted" : undefined)] }).fetch();
  return [...r.metas.values()].sort((a, b) => a.minTime - b.minTime);
}

// Every raw sample of the visible raw blocks matching `labels`, as "series@t=v" strings (so
// duplicates show up), sorted.
export async function visibleSamples(bucket: Bucket, labels?: Record<string, string>): Promise<string[]> {
  const dir = await tempDir("aeon-compact-read-");
  const out: string[] = [];
  try {
    for (const m of await visible(bucket)) {
      if (resolution(m) !== 0) continue;
      if (labels && Object.entries(labels).some(([k, v]) => m.thanos?.labels[k] !== v)) continue;
      await downloadBlock(bucket, m.ulid, join(dir, m.ulid));
      const b = await openBlockDir(join(dir, m.ulid));
      for (const s of await readSeriesSamples(b, [new Matcher("=~", "__name__", ".+")])) {
        const key = seriesKey(s.labels);
        for (let i = 0; i < s.ts.length; i++) out.push(`${key}@${s.ts[i]}=${s.vs[i]}`);
      }
      await b.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out.sort();
}

export function expectedSamples(series: GenSeriesArrays[], mint = -Infinity, maxt = Infinity): string[] {
  const out: string[] = [];
  for (const s of series) {
    const key = seriesKey(s.labels);
    s.ts.forEach((t, i) => {
      if (t >= mint && t < maxt) out.push(`${key}@${t}=${s.vs[i]}`);
    });
  }
  return out.sort();
}

// Forwards to `inner` until an upload or delete whose name matches `crashOn`: that call and
// every later one fail, as if the process had been killed there.
export class CrashingBucket implements Bucket {
  dead = false;
  constructor(
    readonly inner: Bucket,
    private readonly crashOn: (op: "upload" | "delete", name: string) => boolean,
  ) {}
  private check(op?: "upload" | "delete", name?: string): void {
    if (!this.dead && op && name !== undefined && this.crashOn(op, name)) this.dead = true;
    if (this.dead) throw new Error(`simulated crash (${op ?? "read"} ${name ?? ""})`);
  }
  get name() {
    return this.inner.name;
  }
  async get(n: string) {
    this.check();
    return this.inner.get(n);
  }
  async getStream(n: string) {
    this.check();
    return this.inner.getStream(n);
  }
  async getRange(n: string, o: number, l: number) {
    this.check();
    return this.inner.getRange(n, o, l);
  }
  async exists(n: string) {
    this.check();
    return this.inner.exists(n);
  }
  async attributes(n: string): Promise<ObjectAttributes> {
    this.check();
    return this.inner.attributes(n);
  }
  async upload(n: string, body: UploadBody) {
    this.check("upload", n);
    return this.inner.upload(n, body);
  }
  async delete(n: string) {
    this.check("delete", n);
    return this.inner.delete(n);
  }
  iter(dir: string, opts?: IterOptions) {
    this.check();
    return this.inner.iter(dir, opts);
  }
  isObjNotFoundErr(e: unknown) {
    return this.inner.isObjNotFoundErr(e);
  }
  close() {
    return this.inner.close();
  }
}
