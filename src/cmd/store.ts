// `aeon store`: the store gateway. Serves every block of a bucket over the StoreAPI from range
// reads, with an index cache and per-request limits.
import { mkdir, readFile } from "node:fs/promises";
import type { Command } from "./command.ts";
import { bool, str, FlagError } from "./flags.ts";
import { componentHttp, grpcFlag, httpFlag, logFlags, loggerFrom, serveHttp, untilShutdown, durationFlag, bucketFrom, intFlag, bytesFlag } from "./common.ts";
import { parseDuration } from "../objstore/index.ts";
import { serveStoreGrpc } from "../store/grpc/index.ts";
import { BucketStore, parseRelabelConfig } from "../store/bucket/index.ts";

// Thanos's TimeOrDuration: an RFC 3339 time, or a duration relative to now ("-2w", "-36h").
function timeOrDuration(v: string, name: string): number | undefined {
  if (v === "") return undefined;
  const m = /^(-?)(\d.*)$/.exec(v);
  if (m && !/^\d{4}-\d{2}-\d{2}/.test(v)) {
    try {
      const d = parseDuration(m[2]);
      return Date.now() + (m[1] === "-" ? -d : d);
    } catch {
      // fall through to a timestamp
    }
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new FlagError(`--${name}: want an RFC 3339 time or a relative duration like -2w, got ${JSON.stringify(v)}`);
  return t;
}

export const storeCommand: Command = {
  name: "store",
  summary: "Store gateway: serves the blocks of an object-storage bucket over the StoreAPI",
  flags: [
    httpFlag(),
    grpcFlag(),
    ...logFlags,
    { name: "objstore.config-file", help: "Path to the objstore YAML (type: FILESYSTEM|S3, config: …)" },
    { name: "objstore.config", help: "The objstore YAML itself (alternative to --objstore.config-file)" },
    { name: "data-dir", default: "./data", help: "Local directory for the gateway's working files: one index-header file per block, <data-dir>/<ULID>/index-header, reused across restarts (created if missing)" },
    { name: "sync-block-duration", default: "3m", help: "Interval between syncs of the block list with the bucket" },
    { name: "ignore-deletion-marks-delay", default: "24h", help: "Blocks whose deletion mark is older than this are no longer served" },
    { name: "index-cache-size", default: "250MB", help: "Bytes of the in-memory LRU cache for postings and series entries" },
    { name: "store.limits.request-series", default: "0", help: "Maximum series one Series request may select (0 = no limit)" },
    { name: "store.limits.request-samples", default: "0", help: "Maximum samples one Series request may fetch, estimated as 120 per chunk (0 = no limit)" },
    { name: "selector.relabel-config-file", help: "YAML file of relabel rules (keep/drop) over external labels and __block_id selecting the blocks to serve" },
    { name: "selector.relabel-config", help: "The relabel rules YAML itself" },
    { name: "min-time", default: "", help: "Serve only blocks ending after this time (RFC 3339 or relative duration such as -2w)" },
    { name: "max-time", default: "", help: "Serve only blocks starting before this time (RFC 3339 or relative duration such as -1d)" },
    { name: "block-sync-concurrency", default: "4", help: "Blocks opened in parallel during a sync" },
    { name: "store.enable-index-header-lazy-reader", type: "bool", default: false, help: "Open a block's index reader (its sampled symbol and postings offset tables) on first use instead of at sync, and drop it again when idle; the index-header file is still made at sync" },
    { name: "store.index-header-lazy-reader-idle-timeout", default: "5m", help: "With the lazy reader, drop a block's index reader after this long unused (0 = never)" },
    { name: "store.index-header-posting-offsets-in-mem-sampling", default: "32", help: "Keep every n-th postings offset table entry in memory: higher uses less memory per block, lower makes postings lookups read less" },
  ],
  async run(f) {
    const log = loggerFrom(f, "store");
    const bucket = await bucketFrom(f);
    if (!bucket) throw new FlagError("one of --objstore.config-file or --objstore.config is required");
    let relabelText = str(f, "selector.relabel-config");
    const relabelFile = str(f, "selector.relabel-config-file");
    if (relabelFile) relabelText = await readFile(relabelFile, "utf8");
    const indexCacheBytes = bytesFlag(f, "index-cache-size");
    const syncMs = durationFlag(f, "sync-block-duration");
    const lazyIdleMs = durationFlag(f, "store.index-header-lazy-reader-idle-timeout");
    const postingOffsetsSampling = intFlag(f, "store.index-header-posting-offsets-in-mem-sampling", 1);
    const dataDir = str(f, "data-dir");
    await mkdir(dataDir, { recursive: true });
    const { app, registry, readiness } = componentHttp();
    const store = new BucketStore({
      bucket,
      logger: log,
      registry,
      indexCacheBytes,
      ignoreDeletionMarksDelayMs: durationFlag(f, "ignore-deletion-marks-delay"),
      maxSeries: intFlag(f, "store.limits.request-series"),
      maxSamples: intFlag(f, "store.limits.request-samples"),
      relabel: relabelText ? parseRelabelConfig(relabelText) : [],
      minTime: timeOrDuration(str(f, "min-time"), "min-time"),
      maxTime: timeOrDuration(str(f, "max-time"), "max-time"),
      concurrency: intFlag(f, "block-sync-concurrency") || 1,
      dataDir,
      lazyIndexHeader: bool(f, "store.enable-index-header-lazy-reader"),
      lazyIndexIdleTimeoutMs: lazyIdleMs,
      postingOffsetsSampling,
    });
    // HTTP first so /-/healthy answers while the first sync runs; ready after it succeeds.
    readiness.markNotReady("initial block sync not finished");
    const http = await serveHttp(str(f, "http-address"), app, log);
    const grpc = await serveStoreGrpc({ address: str(f, "grpc-address"), store, registry });
    log.info("serving StoreAPI", { address: `${grpc.host}:${grpc.port}`, bucket: bucket.name });
    const firstSync = async (): Promise<void> => {
      for (;;) {
        try {
          const t0 = Date.now();
          await store.sync();
          log.info("initial block sync done", { blocks: store.loadedBlocks.length, duration_ms: Date.now() - t0 });
          readiness.markReady();
          store.start(syncMs);
          return;
        } catch (e) {
          log.warn("initial block sync failed; retrying", { err: e as Error });
          await new Promise((r) => setTimeout(r, 5000));
        }
      }
    };
    void firstSync();
    return untilShutdown(log, [() => bucket.close(), () => store.stop(), () => grpc.close(), () => http.close()]);
  },
};
