// `aeon all-in-one` (what `npm start` runs): receive + store gateway + compactor + querier in
// one process on a filesystem bucket under --data-dir. Remote write goes into the receiver's
// per-tenant TSDB (WAL + head), cut 2h blocks are shipped to the bucket, the compactor
// compacts and downsamples them there, and the querier reads the receiver (recent data) and
// the store gateway (the bucket) through one in-process proxy. Data both in a local block and
// in the bucket reaches the querier twice with identical chunks, which the proxy drops by hash.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "./command.ts";
import { bool, str, FlagError } from "./flags.ts";
import { componentHttp, featureFlag, featuresFrom, flagsRecord, grpcFlag, httpFlag, logFlags, loggerFrom, serveHttp, untilShutdown, durationFlag } from "./common.ts";
import { FilesystemBucket } from "../objstore/index.ts";
import { listenHttp } from "../runtime/index.ts";
import { serveStoreGrpc } from "../store/grpc/index.ts";
import { EndpointSet, ProxyStore } from "../store/proxy/index.ts";
import type { StoreClient, StoreServer } from "../store/types.ts";
import { TSDBStore, type TSDBTenant } from "../store/tsdb/index.ts";
import { BucketStore } from "../store/bucket/index.ts";
import { fromRecord, sortLabels, type Labels } from "../labels/index.ts";
import { Receiver, ReceiveMetrics, type LogFn } from "../receive/index.ts";
import { ReceiveShipper } from "../receive/upload.ts";
import { Compactor, compactorMetrics, DEFAULT_MAX_BLOCK_INDEX_SIZE, runLoop } from "../compact/index.ts";
import { bucketWebApp, loadBucketSnapshot } from "../compact/web/index.ts";
import { MetaFetcher } from "../blockstore/index.ts";
import { Querier } from "../query/index.ts";
import { endpointStatus } from "../query/endpoint-status.ts";
import { apiV1 } from "../api/v1.ts";
import { DemoWorkload } from "../allinone/demo.ts";
import type { LogValue } from "../observability/index.ts";

// An in-process StoreServer presented to the proxy like a remote endpoint.
function local(name: string, s: StoreServer): StoreClient {
  return {
    name,
    info: (o) => s.info(o),
    series: (r, o) => s.series(r, o),
    labelNames: (r, o) => s.labelNames(r, o),
    labelValues: (r, o) => s.labelValues(r, o),
  };
}

export const allInOneCommand: Command = {
  name: "all-in-one",
  summary: "Receive + store gateway + compactor + querier in one process on a filesystem bucket (the default `npm start`)",
  flags: [
    httpFlag(),
    grpcFlag(),
    ...logFlags,
    { name: "data-dir", default: "./data", help: "Everything lives here: bucket/, receive/ (WALs and local blocks), store/, compact/" },
    { name: "remote-write.address", default: "0.0.0.0:19291", help: "Listen host:port for Prometheus remote write (POST /api/v1/receive)" },
    { name: "demo", type: "bool", default: false, help: "Generate a small synthetic workload so there is data to query at once" },
    { name: "tsdb.retention", default: "6h", help: "How long the receiver keeps local blocks after shipping them to the bucket" },
    { name: "compact.wait-interval", default: "5m", help: "Interval between compactor passes" },
    { name: "compact.consistency-delay", default: "30m", help: "Minimum age of a block before the compactor touches it" },
    { name: "compact.delete-delay", default: "2h", help: "Time between marking a compacted-away block and deleting it" },
    { name: "retention.resolution-raw", default: "0d", help: "Retention of raw data in the bucket (0 = forever)" },
    { name: "retention.resolution-5m", default: "0d", help: "Retention of 5m downsampled data (0 = forever)" },
    { name: "retention.resolution-1h", default: "0d", help: "Retention of 1h downsampled data (0 = forever)" },
    { name: "downsampling.disable", type: "bool", default: false, help: "Do not downsample" },
    { name: "sync-block-duration", default: "1m", help: "Interval between the store gateway's bucket syncs" },
    { name: "query.timeout", default: "2m", help: "Maximum time to process a query" },
    { name: "query.max-samples", default: "50000000", help: "Maximum number of samples a single query may load into memory" },
    { name: "query.lookback-delta", default: "5m", help: "Lookback for instant vector selectors" },
    { name: "label", type: "list", help: 'Extra external label of ingested data, name="value"; repeatable' },
    featureFlag,
  ],
  async run(f) {
    const log = loggerFrom(f, "all-in-one");
    const logFn: LogFn = (level, msg, kv) => log[level](msg, kv as Record<string, LogValue> | undefined);
    const features = featuresFrom(f);
    const dataDir = resolve(str(f, "data-dir"));
    const dirs = { bucket: join(dataDir, "bucket"), receive: join(dataDir, "receive"), compact: join(dataDir, "compact"), store: join(dataDir, "store") };
    for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
    const maxSamples = Number(str(f, "query.max-samples"));
    if (!Number.isInteger(maxSamples) || maxSamples <= 0) throw new FlagError("--query.max-samples must be a positive integer");
    const ext: Record<string, string> = {};
    const { parseLabelFlag } = await import("./receive.ts");
    for (const l of (f.values.get("label") as string[]) ?? []) {
      const [k, v] = parseLabelFlag(l);
      ext[k] = v;
    }

    const bucket = new FilesystemBucket({ directory: dirs.bucket });
    const { app, registry, readiness } = componentHttp();
    readiness.markNotReady("replaying WALs");

    // Write path: remote write -> per-tenant TSDB -> 2h blocks -> bucket.
    let shipper: ReceiveShipper | null = null;
    const rx = new Receiver({
      tsdbPath: dirs.receive,
      externalLabels: ext,
      onBlock: (tenant) => shipper?.blockCut(tenant),
      log: logFn,
      metrics: new ReceiveMetrics(registry),
    });
    const extCache = new Map<string, Labels>();
    const tsdbStore = new TSDBStore({
      componentType: "receive",
      tenants: function* (): Iterable<TSDBTenant> {
        for (const [name, db] of rx.tenants.opened) {
          let labels = extCache.get(name);
          if (!labels) extCache.set(name, (labels = sortLabels(fromRecord(rx.externalLabels(name)))));
          yield { name, db, externalLabels: labels };
        }
      },
    });

    // Read path over the bucket.
    const bucketStore = new BucketStore({ bucket, logger: log.with({ part: "store" }), registry, dataDir: dirs.store });

    // Compactor over the same bucket.
    const compactor = new Compactor({
      bucket,
      dataDir: dirs.compact,
      logger: log.with({ part: "compact" }),
      metrics: compactorMetrics(registry),
      consistencyDelayMs: durationFlag(f, "compact.consistency-delay"),
      deleteDelayMs: durationFlag(f, "compact.delete-delay"),
      retention: {
        raw: durationFlag(f, "retention.resolution-raw"),
        fiveMinutes: durationFlag(f, "retention.resolution-5m"),
        oneHour: durationFlag(f, "retention.resolution-1h"),
      },
      downsamplingDisabled: bool(f, "downsampling.disable"),
      replicaLabels: [],
      dedupFunc: "",
      concurrency: 1,
      blockFilesConcurrency: 1,
      maxCompactionLevel: 4,
      maxBlockIndexSize: DEFAULT_MAX_BLOCK_INDEX_SIZE,
    });

    // Querier over both, through one proxy.
    const endpoints = new EndpointSet([local("receive", tsdbStore), local("store", bucketStore)]);
    const proxy = new ProxyStore({ endpoints: () => endpoints.endpoints(), logger: log, componentType: "query" });
    const querier = new Querier({
      store: proxy,
      replicaLabels: [],
      defaultPartialResponse: true,
      autoDownsampling: true,
      engine: {
        lookbackDelta: durationFlag(f, "query.lookback-delta"),
        timeout: durationFlag(f, "query.timeout"),
        maxSamples,
        features,
      },
      flags: flagsRecord(f),
      stores: async () => endpointStatus(endpoints.endpoints()),
      ready: () => readiness.ready,
    });
    app.route("/api/v1", apiV1(querier, features));
    app.route("/bucket", bucketWebApp(() => loadBucketSnapshot(bucket, new MetaFetcher(bucket)), `Aeon — ${dirs.bucket}`));

    const http = await serveHttp(str(f, "http-address"), app, log);
    await rx.start();
    shipper = new ReceiveShipper({ rx, bucket, retentionMs: durationFlag(f, "tsdb.retention") });
    shipper.start();
    await bucketStore.sync();
    bucketStore.start(durationFlag(f, "sync-block-duration"));
    const grpc = await serveStoreGrpc({ address: str(f, "grpc-address"), store: proxy, registry });
    log.info("serving StoreAPI", { address: `${grpc.host}:${grpc.port}` });
    const rw = await listenHttp(str(f, "remote-write.address"), rx.fetch);
    log.info("listening for remote write", { address: `${rw.host}:${rw.port}`, path: "/api/v1/receive" });
    await endpoints.refresh();
    endpoints.start();
    const loop = runLoop(compactor, durationFlag(f, "compact.wait-interval"), log.with({ part: "compact" }));
    let demo: DemoWorkload | null = null;
    if (bool(f, "demo")) {
      demo = new DemoWorkload(() => rx.tenant(rx.defaultTenant));
      demo.start();
      log.info("demo workload started", { series: "up, demo_http_requests_total, demo_temperature_celsius, demo_request_duration_seconds_*" });
    }
    readiness.markReady();
    return untilShutdown(log, [
      () => loop.stop(),
      () => bucketStore.stop(),
      () => shipper?.stop(),
      () => rx.close(),
      () => tsdbStore.close(),
      () => grpc.close(),
      () => http.close(),
      () => rw.close(),
      () => endpoints.stop(),
      () => demo?.stop(),
    ]);
  },
};
