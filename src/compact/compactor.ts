// One compactor pass, as Thanos runs it: sync metas -> garbage-collect blocks made redundant by
// an earlier (possibly interrupted) compaction -> compact every stream until nothing is left to
// plan -> downsample (two passes, so fresh 5m blocks get their 1h copy) -> retention -> delete
// blocks marked longer than --delete-delay -> clean aborted partial uploads.
// Differences from Thanos, on purpose: an overlap halts only its own stream (the others keep
// compacting) and is re-checked every pass; a corrupted input block is marked no-compact
// (reason "corrupted-block") and the stream carries on without it.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import {
  cleanAbortedPartialUploads,
  deleteBlock,
  downloadBlock,
  markForDeletion,
  markNoCompact,
  MetaFetcher,
  readDeletionMark,
  uploadBlock,
  type FetchResult,
} from "../blockstore/index.ts";
import type { Bucket } from "../objstore/index.ts";
import type { Logger } from "../observability/index.ts";
import { openBlockDir, type BlockMeta, type BlockReader } from "../tsdb/index.ts";
import { BlockFault } from "./cursor.ts";
import { downsampleBucket } from "./downsample-pass.ts";
import { formatLabels, groupBlocks, redundantBlocks, sortByMinTime, type Group } from "./group.ts";
import { DEFAULT_MAX_BLOCK_INDEX_SIZE, INDEX_SIZE_EXCEEDING_REASON, indexSizeOf, oversizedInput } from "./index-size.ts";
import { mergeBlocks } from "./merge.ts";
import type { CompactorMetrics } from "./metrics.ts";
import { plan, rangesForLevel } from "./planner.ts";
import { applyRetention, type RetentionPolicy } from "./retention.ts";

export const CORRUPTED_BLOCK_REASON = "corrupted-block";

export interface CompactorOptions {
  bucket: Bucket;
  dataDir: string;
  logger: Logger;
  metrics: CompactorMetrics;
  consistencyDelayMs: number;
  deleteDelayMs: number;
  retention: RetentionPolicy;
  downsamplingDisabled: boolean;
  replicaLabels: string[];
  // "" = one-to-one (chain merge), "penalty" = the querier's HA dedup.
  dedupFunc: "" | "penalty";
  concurrency: number;
  blockFilesConcurrency: number;
  maxCompactionLevel: number;
  // --compact.block-max-index-size: estimated output index bound (bytes); default 64GiB.
  maxBlockIndexSize?: number;
  now?: () => number;
}

export interface PassResult {
  compactions: number;
  downsamples: number;
  deleted: number;
  // Streams halted by overlaps, with the log reason.
  halted: Map<string, string>;
}

export class Compactor {
  private readonly fetcher: MetaFetcher;
  readonly halted = new Map<string, string>();
  private readonly now: () => number;

  constructor(private readonly o: CompactorOptions) {
    this.now = o.now ?? Date.now;
    this.fetcher = new MetaFetcher(o.bucket, {
      consistencyDelayMs: o.consistencyDelayMs,
      now: this.now,
      // Blocks already marked for deletion were compacted (or expired): never plan with them.
      filters: [(_m, marks) => (marks.deletion ? "marked for deletion" : undefined)],
    });
  }

  get metrics(): CompactorMetrics {
    return this.o.metrics;
  }

  private get log(): Logger {
    return this.o.logger;
  }

  sync(): Promise<FetchResult> {
    return this.fetcher.fetch();
  }

  async runOnce(): Promise<PassResult> {
    const result: PassResult = { compactions: 0, downsamples: 0, deleted: 0, halted: this.halted };
    // Scratch left by a pass that was killed: never reused, only removed.
    for (const sub of ["compact", "downsample"]) await rm(join(this.o.dataDir, sub), { recursive: true, force: true });
    let synced = await this.sync();
    await this.garbageCollect(synced);
    synced = await this.sync();
    result.compactions = await this.compactAll(synced);
    if (!this.o.downsamplingDisabled) {
      for (const pass of [1, 2]) {
        synced = await this.sync();
        result.downsamples += await downsampleBucket(this.o, synced, pass);
      }
    } else this.log.info("downsampling disabled");
    synced = await this.sync();
    await applyRetention(this.o, synced, this.now(), (id, details) => this.markDeleted(id, details));
    synced = await this.sync();
    result.deleted = await this.deleteMarked(synced);
    await this.cleanPartials(synced);
    this.o.metrics.iterations.inc();
    return result;
  }

  // Blocks whose sources are all inside another block of their stream: left over by a
  // compaction that uploaded its result but stopped before marking the sources.
  private async garbageCollect(synced: FetchResult): Promise<void> {
    this.o.metrics.garbageCollections.inc();
    for (const g of groupBlocks(synced.metas.values(), this.o.replicaLabels)) {
      for (const id of redundantBlocks(g)) {
        this.log.info("marking redundant block for deletion (its sources are covered by another block)", { block: id, group: g.key });
        await this.markDeleted(id, "duplicate block: sources already compacted");
      }
    }
  }

  async markDeleted(id: string, details: string): Promise<void> {
    if (await markForDeletion(this.o.bucket, id, details, this.now())) {
      this.o.metrics.blocksMarked.inc(1, { marker: "deletion-mark.json", reason: "" });
      this.o.metrics.markedForDeletion.inc();
    }
  }

  private async compactAll(synced: FetchResult): Promise<number> {
    const groups = groupBlocks(synced.metas.values(), this.o.replicaLabels);
    const noCompact = new Set(synced.noCompactMarks.keys());
    let total = 0;
    let next = 0;
    const errors: unknown[] = [];
    const worker = async () => {
      while (next < groups.length) {
        const g = groups[next++];
        try {
          // (not `total += await …`: that reads `total` before the await and loses updates)
          const n = await this.compactGroup(g, noCompact);
          total += n;
        } catch (e) {
          this.o.metrics.compactionFailures.inc(1, { resolution: String(g.resolution) });
          errors.push(e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.o.concurrency, groups.length)) }, worker));
    // Streams that vanished (all blocks deleted) are no longer halted.
    for (const key of [...this.halted.keys()]) if (!groups.some((g) => g.key === key)) this.halted.delete(key);
    this.o.metrics.halted.set(this.halted.size > 0 ? 1 : 0);
    this.o.metrics.haltedGroups.set(this.halted.size);
    if (errors.length > 0) throw errors[0];
    return total;
  }

  // Plans and compacts one stream until the planner has nothing left.
  async compactGroup(g: Group, noCompact: Set<string>): Promise<number> {
    const ranges = rangesForLevel(this.o.maxCompactionLevel);
    const res = String(g.resolution);
    const vertical = this.o.replicaLabels.length > 0;
    let done = 0;
    this.o.metrics.runsStarted.inc(1, { resolution: res });
    for (;;) {
      const p = plan(g.metas, ranges, noCompact);
      if (p.kind === "none") break;
      if (p.kind === "overlap") {
        const ids = p.metas.map((m) => m.ulid);
        if (!vertical) {
          const reason = `overlapping blocks ${ids.join(",")} in stream ${g.key} ${formatLabels(g.labels)} (vertical compaction is off: set --deduplication.replica-label to merge them, or remove the duplicate data)`;
          if (!this.halted.has(g.key)) this.log.error("halting stream: overlapping blocks found", { group: g.key, labels: formatLabels(g.labels), blocks: ids.join(",") });
          this.halted.set(g.key, reason);
          return done;
        }
        if (g.resolution !== 0) {
          // Thanos does not merge overlapping downsampled blocks: it marks them no-compact.
          for (const id of ids) await this.markNoCompact(id, "downsample-vertical-compaction", "overlapping downsampled block", noCompact);
          continue;
        }
      }
      this.halted.delete(g.key);
      if (await this.excludeOversizedInput(g, p.metas, noCompact)) continue;
      const out = await this.compactBlocks(g, p.metas, noCompact, p.kind === "overlap");
      if (out === "retry") continue;
      done++;
      this.o.metrics.compactions.inc(1, { resolution: res });
      if (p.kind === "overlap") this.o.metrics.verticalCompactions.inc(1, { resolution: res });
    }
    this.o.metrics.runsCompleted.inc(1, { resolution: res });
    return done;
  }

  // The index-size guard (see index-size.ts): true when an input was marked no-compact, so the
  // caller plans again without it.
  private async excludeOversizedInput(g: Group, metas: BlockMeta[], noCompact: Set<string>): Promise<boolean> {
    const limit = this.o.maxBlockIndexSize ?? DEFAULT_MAX_BLOCK_INDEX_SIZE;
    const sizes: number[] = [];
    for (const m of metas) sizes.push(await indexSizeOf(this.o.bucket, m));
    const over = oversizedInput(sizes, limit);
    if (!over) return false;
    const id = metas[over.at].ulid;
    this.log.warn("compacted index could exceed --compact.block-max-index-size: marking the biggest input no-compact", {
      group: g.key,
      block: id,
      block_index_bytes: sizes[over.at],
      estimated_index_bytes: over.estimatedBytes,
      max_index_bytes: limit,
      planned: metas.map((m) => m.ulid).join(","),
    });
    const details = `index-size guard: compacted block's index could exceed ${limit} bytes (--compact.block-max-index-size) with this block; estimated ${over.estimatedBytes} bytes`;
    await this.markNoCompact(id, INDEX_SIZE_EXCEEDING_REASON, details, noCompact);
    return true;
  }

  private async markNoCompact(id: string, reason: string, details: string, noCompact: Set<string>): Promise<void> {
    noCompact.add(id);
    if (await markNoCompact(this.o.bucket, id, reason, details, this.now())) {
      this.o.metrics.blocksMarked.inc(1, { marker: "no-compact-mark.json", reason });
    }
  }

  // Downloads, merges, uploads (meta.json last), then marks the inputs for deletion — in that
  // order, so a crash at any point leaves either the old blocks or old + new (which the next
  // pass's garbage collection resolves), never a half block.
  private async compactBlocks(g: Group, metas: BlockMeta[], noCompact: Set<string>, vertical: boolean): Promise<"done" | "retry"> {
    const ids = metas.map((m) => m.ulid);
    const work = join(this.o.dataDir, "compact", g.key.replace(/[^0-9A-Za-z@_-]/g, "_"));
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    const readers: BlockReader[] = [];
    const started = performance.now();
    this.log.info("compacting blocks", { group: g.key, blocks: ids.join(","), vertical });
    try {
      for (const id of ids) {
        try {
          await downloadBlock(this.o.bucket, id, join(work, id));
          readers.push(await openBlockDir(join(work, id)));
        } catch (e) {
          throw new BlockFault(id, e);
        }
      }
      const { dir, meta, stats } = await mergeBlocks(readers, join(work, "out"), {
        thanos: { version: 1, labels: { ...g.labels }, downsample: { resolution: g.resolution }, source: "compactor" },
        dedup: this.o.dedupFunc === "penalty" ? "penalty" : "chain",
      });
      for (const r of readers.splice(0)) await r.close();
      if ((meta.stats.numSamples ?? 0) === 0) {
        this.log.info("compacted block is empty; marking sources for deletion without uploading", { group: g.key, blocks: ids.join(",") });
      } else {
        const uploaded = await uploadBlock(this.o.bucket, dir, { concurrency: this.o.blockFilesConcurrency });
        insertMeta(g, uploaded);
      }
      for (const id of ids) await this.markDeleted(id, "source of compacted block " + meta.ulid);
      g.metas = g.metas.filter((m) => !ids.includes(m.ulid));
      this.log.info("compacted blocks", {
        group: g.key,
        result: meta.ulid,
        level: meta.compaction.level,
        minTime: meta.minTime,
        maxTime: meta.maxTime,
        series: stats.series,
        samples: stats.samples,
        copied_chunks: stats.copiedChunks,
        merged_chunks: stats.mergedChunks,
        duration_ms: Math.round(performance.now() - started),
      });
      return "done";
    } catch (e) {
      if (e instanceof BlockFault && ids.includes(e.blockId)) {
        this.log.error("corrupted block: marking it no-compact and continuing without it", { block: e.blockId, group: g.key, err: e.message });
        await this.markNoCompact(e.blockId, CORRUPTED_BLOCK_REASON, e.message.slice(0, 500), noCompact);
        return "retry";
      }
      throw e;
    } finally {
      for (const r of readers) await r.close().catch(() => {});
      await rm(work, { recursive: true, force: true });
    }
  }

  private async deleteMarked(synced: FetchResult): Promise<number> {
    let n = 0;
    const nowMs = this.now();
    for (const [id, mark] of synced.deletionMarks) {
      if (nowMs - mark.deletion_time * 1000 < this.o.deleteDelayMs) continue;
      try {
        await deleteBlock(this.o.bucket, id);
        this.o.metrics.blocksCleaned.inc();
        this.log.info("deleted block marked for deletion", { block: id });
        n++;
      } catch (e) {
        this.o.metrics.cleanupFailures.inc();
        this.log.warn("failed to delete block", { block: id, err: e as Error });
      }
    }
    return n;
  }

  private async cleanPartials(synced: FetchResult): Promise<void> {
    // A delete interrupted after meta.json went away leaves a partial with its deletion mark:
    // finish it once the delay has passed.
    const nowMs = this.now();
    const rest = new Map(synced.partial);
    for (const [id] of synced.partial) {
      const mark = await readDeletionMark(this.o.bucket, id).catch(() => undefined);
      if (mark && nowMs - mark.deletion_time * 1000 >= this.o.deleteDelayMs) {
        await deleteBlock(this.o.bucket, id);
        this.o.metrics.blocksCleaned.inc();
        rest.delete(id);
      }
    }
    const old = [...rest.values()].filter((p) => p.ageMs > 2 * 24 * 3600_000).length;
    if (old > 0) this.o.metrics.partialDeletions.inc(old);
    for (const id of await cleanAbortedPartialUploads(this.o.bucket, rest)) {
      this.log.info("deleted aborted partial upload", { block: id });
      this.o.metrics.blocksCleaned.inc();
    }
  }
}

function insertMeta(g: Group, m: BlockMeta): void {
  g.metas.push(m);
  sortByMinTime(g.metas);
}
