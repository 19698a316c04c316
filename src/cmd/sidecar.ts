// `aeon sidecar`: runs next to one Prometheus. Serves its data over the StoreAPI (remote read
// with streamed XOR chunks, passed through untouched), its metric metadata and exemplars, and,
// with a bucket configured, ships the blocks Prometheus finishes. Refuses to start unless
// Prometheus has external labels.
import type { Command } from "./command.ts";
import { bool, str, FlagError } from "./flags.ts";
import { componentHttp, grpcFlag, httpFlag, logFlags, loggerFrom, serveHttp, untilShutdown, durationFlag, bucketFrom } from "./common.ts";
import { serveStoreGrpc } from "../store/grpc/index.ts";
import { formatLabels } from "../labels/index.ts";
import { NoExternalLabelsError, PromMetadata, PrometheusClient, PrometheusExemplars, PrometheusMetadata, PrometheusStore, Shipper } from "../sidecar/index.ts";

async function compactionProblem(prom: PrometheusClient): Promise<string | undefined> {
  const flags = await prom.flags();
  const min = flags["storage.tsdb.min-block-duration"];
  const max = flags["storage.tsdb.max-block-duration"];
  if (min === undefined || max === undefined || min === max) return undefined;
  return `found that TSDB max block duration is ${max} and min block duration is ${min}; compaction needs to be disabled (storage.tsdb.min-block-duration = storage.tsdb.max-block-duration)`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const sidecarCommand: Command = {
  name: "sidecar",
  summary: "Sidecar for a Prometheus: StoreAPI over remote read, and block shipping to a bucket",
  flags: [
    httpFlag(),
    grpcFlag(),
    ...logFlags,
    { name: "prometheus.url", default: "http://localhost:9090", help: "URL of the Prometheus to serve and ship" },
    { name: "prometheus.ready_timeout", default: "10m", help: "How long to wait for Prometheus to be ready (and its external labels readable) at start" },
    { name: "tsdb.path", default: "./data", help: "Prometheus's data directory (--storage.tsdb.path), where finished blocks are shipped from" },
    { name: "objstore.config-file", help: "Path to the objstore YAML; without a bucket nothing is shipped" },
    { name: "objstore.config", help: "The objstore YAML itself (alternative to --objstore.config-file)" },
    { name: "shipper.upload-compacted", type: "bool", default: false, help: "Also ship blocks Prometheus compacted (level > 1); needs Prometheus's local compaction to be sane for the bucket" },
    { name: "shipper.interval", default: "30s", help: "Interval between scans of --tsdb.path for new blocks" },
    { name: "prometheus.metadata-interval", default: "30s", help: "Interval between re-reads of external labels and Prometheus's time range" },
  ],
  async run(f) {
    const log = loggerFrom(f, "sidecar");
    const url = str(f, "prometheus.url");
    if (!/^https?:\/\//.test(url)) throw new FlagError("--prometheus.url must be an http(s) URL");
    const readyTimeout = durationFlag(f, "prometheus.ready_timeout");
    const shipInterval = durationFlag(f, "shipper.interval");
    const metaInterval = durationFlag(f, "prometheus.metadata-interval");
    const tsdbPath = str(f, "tsdb.path");
    const bucket = await bucketFrom(f);

    const { app, registry, readiness } = componentHttp();
    readiness.markNotReady("waiting for Prometheus");
    const http = await serveHttp(str(f, "http-address"), app, log);
    const prom = new PrometheusClient(url);
    const metadata = new PromMetadata({ prom, tsdbPath, logger: log });

    // Like Thanos: retry until Prometheus answers, but a Prometheus without external labels is
    // a configuration error worth failing on at once.
    const deadline = Date.now() + readyTimeout;
    for (let attempt = 0; ; attempt++) {
      try {
        if (!(await prom.ready())) throw new Error("Prometheus is not ready (/-/ready)");
        const ext = await metadata.loadExternalLabels();
        log.info("Prometheus is ready", { url, external_labels: formatLabels(ext) });
        break;
      } catch (e) {
        if (e instanceof NoExternalLabelsError) {
          log.error("refusing to start", { err: e.message });
          await http.close();
          await bucket?.close();
          return 1;
        }
        if (Date.now() >= deadline) {
          log.error("Prometheus did not become ready in time", { url, timeout: str(f, "prometheus.ready_timeout"), err: e as Error });
          await http.close();
          await bucket?.close();
          return 1;
        }
        if (attempt % 10 === 0) log.warn("waiting for Prometheus", { url, err: e as Error });
        await sleep(Math.min(2000, Math.max(0, deadline - Date.now())));
      }
    }
    // As Thanos does: shipping level-1 blocks is only complete if Prometheus never compacts them
    // into bigger ones locally (those would be skipped, or shipped twice with upload-compacted).
    if (bucket && !bool(f, "shipper.upload-compacted")) {
      const problem = await compactionProblem(prom).catch((e) => {
        log.warn("cannot read Prometheus flags to check block durations", { err: e as Error });
        return undefined;
      });
      if (problem) {
        log.error("refusing to ship blocks", { err: problem });
        await http.close();
        await bucket.close();
        return 1;
      }
    }
    await metadata.refreshTimestamps();
    metadata.start(metaInterval);

    const store = new PrometheusStore({ prom, metadata });
    // As Thanos's sidecar: metric metadata and exemplars come from Prometheus's HTTP API (empty
    // exemplar answers unless Prometheus runs with --enable-feature=exemplar-storage).
    const grpc = await serveStoreGrpc({
      address: str(f, "grpc-address"),
      store,
      metadata: new PrometheusMetadata(prom),
      exemplars: new PrometheusExemplars(prom, metadata),
      registry,
    });
    log.info("serving StoreAPI", { address: `${grpc.host}:${grpc.port}` });

    let shipper: Shipper | undefined;
    if (bucket) {
      shipper = new Shipper({ dir: tsdbPath, bucket, externalLabels: () => metadata.externalLabels(), logger: log.with({ part: "shipper" }), registry, uploadCompacted: bool(f, "shipper.upload-compacted") });
      shipper.start(shipInterval);
      log.info("shipping blocks", { from: tsdbPath, bucket: bucket.name });
    } else {
      log.info("no object storage configured; blocks are not shipped");
    }
    readiness.markReady();
    return untilShutdown(log, [() => bucket?.close(), () => metadata.stop(), () => shipper?.stop(), () => grpc.close(), () => http.close()]);
  },
};
