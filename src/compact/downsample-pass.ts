// The downsampling step of a pass (Thanos downsampleBucket): raw blocks spanning >= 40h get a
// 5m copy, 5m blocks spanning >= 10d a 1h copy, unless a block of the target resolution already
// holds all their sources, or they carry no-downsample-mark.json.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { downloadBlock, markNoDownsample, readNoDownsampleMark, uploadBlock, type FetchResult } from "../blockstore/index.ts";
import type { Bucket } from "../objstore/index.ts";
import type { Logger } from "../observability/index.ts";
import { openBlockDir, resolution, RES_1H, RES_5M, RES_RAW, type BlockMeta } from "../tsdb/index.ts";
import { BlockFault } from "./cursor.ts";
import { downsampleBlock } from "./downsample.ts";
import type { CompactorMetrics } from "./metrics.ts";

const H = 3_600_000;
export const DOWNSAMPLE_RANGE_5M = 40 * H;
export const DOWNSAMPLE_RANGE_1H = 10 * 24 * H;

interface DownsampleDeps {
  bucket: Bucket;
  dataDir: string;
  logger: Logger;
  metrics: CompactorMetrics;
  blockFilesConcurrency: number;
}

export function downsampleTarget(m: BlockMeta): number | null {
  const res = resolution(m);
  const span = m.maxTime - m.minTime;
  if (res === RES_RAW && span >= DOWNSAMPLE_RANGE_5M) return RES_5M;
  if (res === RES_5M && span >= DOWNSAMPLE_RANGE_1H) return RES_1H;
  return null;
}

export async function downsampleBucket(o: DownsampleDeps, synced: FetchResult, pass: number): Promise<number> {
  const covered = new Map<number, Set<string>>([
    [RES_5M, new Set()],
    [RES_1H, new Set()],
  ]);
  for (const m of synced.metas.values()) {
    const set = covered.get(resolution(m));
    if (set) for (const s of m.compaction.sources) set.add(s);
  }
  let n = 0;
  for (const m of synced.metas.values()) {
    const target = downsampleTarget(m);
    if (target === null) continue;
    const have = covered.get(target)!;
    if (m.compaction.sources.every((s) => have.has(s))) continue;
    if (await readNoDownsampleMark(o.bucket, m.ulid).catch(() => undefined)) {
      o.logger.debug("block has a no-downsample mark; skipping", { block: m.ulid });
      continue;
    }
    const work = join(o.dataDir, "downsample", m.ulid);
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    const started = performance.now();
    try {
      await downloadBlock(o.bucket, m.ulid, join(work, m.ulid));
      const reader = await openBlockDir(join(work, m.ulid)).catch((e) => {
        throw new BlockFault(m.ulid, e);
      });
      let out;
      try {
        out = await downsampleBlock(reader, target, join(work, "out"), {
          thanos: { version: 1, labels: { ...(m.thanos?.labels ?? {}) }, downsample: { resolution: target }, source: "compactor" },
        });
      } finally {
        await reader.close();
      }
      await uploadBlock(o.bucket, out.dir, { concurrency: o.blockFilesConcurrency });
      for (const s of m.compaction.sources) have.add(s);
      o.metrics.downsamples.inc(1, { resolution: String(target) });
      n++;
      o.logger.info("downsampled block", {
        pass,
        from: m.ulid,
        to: out.meta.ulid,
        resolution: target,
        series: out.stats.series,
        input_samples: out.stats.inputSamples,
        chunks: out.stats.outputChunks,
        duration_ms: Math.round(performance.now() - started),
      });
    } catch (e) {
      o.metrics.downsampleFailures.inc(1, { resolution: String(target) });
      if (e instanceof BlockFault && e.blockId === m.ulid) {
        // A damaged block would fail every pass: mark it and carry on with the others.
        o.logger.error("corrupted block: marking it no-downsample and continuing", { block: m.ulid, err: e.message });
        if (await markNoDownsample(o.bucket, m.ulid, "corrupted-block", e.message.slice(0, 500))) {
          o.metrics.blocksMarked.inc(1, { marker: "no-downsample-mark.json", reason: "corrupted-block" });
        }
        continue;
      }
      throw new Error(`downsample block ${m.ulid} to resolution ${target}: ${(e as Error).message}`, { cause: e });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  return n;
}
