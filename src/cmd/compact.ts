// `aeon compact`: the compactor. One pass (compact -> downsample -> retention -> delete ->
// clean partials) and exit, or with --wait a pass every --wait-interval, serving /metrics,
// /-/healthy, /-/ready and the bucket web view.
import { mkdir } from "node:fs/promises";
import type { Command } from "./command.ts";
import { bool, list, str, FlagError, type ParsedFlags } from "./flags.ts";
import { componentHttp, httpFlag, logFlags, loggerFrom, serveHttp, untilShutdown, durationFlag, bucketFrom, intFlag, bytesFlag } from "./common.ts";
import { MetaFetcher } from "../blockstore/index.ts";
import { Compactor, compactorMetrics, runLoop } from "../compact/index.ts";
import { bucketWebApp, loadBucketSnapshot } from "../compact/web/index.ts";

export const compactCommand: Command = {
  name: "compact",
  summary: "Compactor: compaction, vertical deduplication, downsampling and retention of a bucket",
  flags: [
    httpFlag(),
    ...logFlags,
    { name: "objstore.config-file", help: "Path to the objstore YAML (type: FILESYSTEM|S3, config: …)" },
    { name: "objstore.config", help: "The objstore YAML itself (alternative to --objstore.config-file)" },
    { name: "data-dir", default: "./data", help: "Scratch directory for blocks being compacted or downsampled" },
    { name: "wait", type: "bool", default: false, help: "Keep running: a pass every --wait-interval, serving HTTP" },
    { name: "wait-interval", default: "5m", help: "Wait between passes with --wait" },
    { name: "consistency-delay", default: "30m", help: "Ignore blocks younger than this (by ULID time) unless written by the compactor" },
    { name: "delete-delay", default: "48h", help: "Delete blocks this long after they were marked for deletion (0s: at once)" },
    { name: "retention.resolution-raw", default: "0d", help: "How long to keep raw blocks (by maxTime); 0d = forever" },
    { name: "retention.resolution-5m", default: "0d", help: "How long to keep 5m blocks; 0d = forever" },
    { name: "retention.resolution-1h", default: "0d", help: "How long to keep 1h blocks; 0d = forever" },
    { name: "downsampling.disable", type: "bool", default: false, help: "Do not downsample" },
    { name: "deduplication.replica-label", type: "list", help: "External label naming a replica; streams differing only in it are merged (vertical compaction); repeatable" },
    { name: "deduplication.func", default: "", help: 'Merge of overlapping samples: "" (one-to-one, identical samples) or "penalty" (the querier\'s HA dedup)' },
    { name: "compact.concurrency", default: "1", help: "Streams compacted in parallel" },
    { name: "block-files-concurrency", default: "1", help: "Files of one block uploaded in parallel" },
    { name: "compact.block-max-index-size", default: "64GB", help: "Bound on a compacted block's index (units base 1024). When the estimate (sum of the inputs' index sizes, must stay under 85% of this) is exceeded, the biggest input gets no-compact-mark.json (reason index-size-exceeding) and is left out of compaction for good" },
    { name: "debug.max-compaction-level", default: "4", help: "Highest compaction level (1 = 2h, 2 = 8h, 3 = 2d, 4 = 14d blocks)" },
  ],
  async run(f) {
    const log = loggerFrom(f, "compact");
    const bucket = await bucketFrom(f);
    if (!bucket) throw new FlagError("--objstore.config-file or --objstore.config is required");
    const dedupFunc = str(f, "deduplication.func");
    if (dedupFunc !== "" && dedupFunc !== "penalty") throw new FlagError('--deduplication.func must be "" or "penalty"');
    const maxBlockIndexSize = bytesFlag(f, "compact.block-max-index-size");
    if (maxBlockIndexSize <= 0) throw new FlagError("--compact.block-max-index-size must be > 0");
    const dataDir = str(f, "data-dir");
    await mkdir(dataDir, { recursive: true });
    const http = componentHttp();
    const metrics = compactorMetrics(http.registry);
    const compactor = new Compactor({
      bucket,
      dataDir,
      logger: log,
      metrics,
      consistencyDelayMs: durationFlag(f, "consistency-delay"),
      deleteDelayMs: durationFlag(f, "delete-delay"),
      retention: {
        raw: durationFlag(f, "retention.resolution-raw"),
        fiveMinutes: durationFlag(f, "retention.resolution-5m"),
        oneHour: durationFlag(f, "retention.resolution-1h"),
      },
      downsamplingDisabled: bool(f, "downsampling.disable"),
      replicaLabels: list(f, "deduplication.replica-label"),
      dedupFunc,
      concurrency: intFlag(f, "compact.concurrency", 1),
      blockFilesConcurrency: intFlag(f, "block-files-concurrency", 1),
      maxCompactionLevel: intFlag(f, "debug.max-compaction-level", 1),
      maxBlockIndexSize,
    });

    if (!bool(f, "wait")) {
      try {
        const r = await compactor.runOnce();
        log.info("compaction pass done", { compactions: r.compactions, downsamples: r.downsamples, deleted: r.deleted, halted_streams: r.halted.size });
        if (r.halted.size > 0) {
          for (const reason of r.halted.values()) log.error("stream halted", { reason });
          return 1;
        }
        return 0;
      } catch (e) {
        log.error("compaction pass failed", { err: e as Error });
        return 1;
      }
    }

    const fetcher = new MetaFetcher(bucket);
    http.app.route("/", bucketWebApp(() => loadBucketSnapshot(bucket, fetcher), `Aeon compactor — ${bucket.name}`, () => [...compactor.halted.values()].map((r) => `Halted: ${r}`)));
    const srv = await serveHttp(str(f, "http-address"), http.app, log);
    http.readiness.markReady();
    const loop = runLoop(compactor, durationFlag(f, "wait-interval"), log);
    return untilShutdown(log, [() => srv.close(), () => loop.stop()]);
  },
};
