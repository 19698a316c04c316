// `aeon query`: the querier. Fans out to StoreAPI endpoints, deduplicates replicas, evaluates
// PromQL and serves the Prometheus HTTP API; serves the StoreAPI itself so queriers stack.
import type { Command } from "./command.ts";
import { bool, list, str, FlagError } from "./flags.ts";
import { componentHttp, featureFlag, featuresFrom, flagsRecord, grpcFlag, httpFlag, logFlags, loggerFrom, serveHttp, untilShutdown } from "./common.ts";
import { parseDuration } from "../api/params.ts";
import { apiV1 } from "../api/v1.ts";
import { Querier } from "../query/index.ts";
import { createStoreClient } from "../store/grpc/index.ts";
import { serveStoreGrpc } from "../store/grpc/index.ts";
import { EndpointSet, ProxyStore } from "../store/proxy/index.ts";
import { endpointStatus } from "../query/endpoint-status.ts";
import { ExemplarsProxy, MetadataProxy } from "../query/index.ts";

function durationFlag(v: string, name: string): number {
  try {
    return parseDuration(v);
  } catch (e) {
    throw new FlagError(`--${name}: ${(e as Error).message}`);
  }
}

export const queryCommand: Command = {
  name: "query",
  summary: "Query node: PromQL and the Prometheus HTTP API over StoreAPI endpoints",
  flags: [
    httpFlag(),
    grpcFlag(),
    ...logFlags,
    { name: "endpoint", type: "list", help: "StoreAPI endpoint (host:port) to query; repeatable" },
    { name: "store", type: "list", help: "Deprecated alias of --endpoint" },
    { name: "query.replica-label", type: "list", help: "Label treated as a replica indicator for deduplication; repeatable" },
    { name: "query.partial-response", type: "bool", default: true, help: "Return partial results when some endpoints fail (unless the request says partial_response=false)" },
    { name: "query.timeout", default: "2m", help: "Maximum time to process a query" },
    { name: "query.max-samples", default: "50000000", help: "Maximum number of samples a single query may load into memory" },
    { name: "query.lookback-delta", default: "5m", help: "Lookback for instant vector selectors" },
    { name: "query.default-evaluation-interval", default: "1m", help: "Step of subqueries that have none" },
    { name: "query.auto-downsampling", type: "bool", default: false, help: "Range queries read downsampled data by default (max_source_resolution = step/5)" },
    { name: "store.response-timeout", default: "0ms", help: "Per-endpoint timeout for a whole call; 0 disables it" },
    { name: "grpc-compression", default: "none", help: "Compression for StoreAPI requests: none or snappy" },
    featureFlag,
  ],
  async run(f) {
    const log = loggerFrom(f, "query");
    const features = featuresFrom(f);
    const compression = str(f, "grpc-compression");
    if (compression !== "none" && compression !== "snappy") throw new FlagError("--grpc-compression must be none or snappy");
    const maxSamples = Number(str(f, "query.max-samples"));
    if (!Number.isInteger(maxSamples) || maxSamples <= 0) throw new FlagError("--query.max-samples must be a positive integer");
    const addresses = [...list(f, "endpoint"), ...list(f, "store")];
    const clients = addresses.map((address) => createStoreClient({ address, compression: compression as "none" | "snappy" }));
    const endpoints = new EndpointSet(clients);
    await endpoints.refresh();
    endpoints.start();
    const endpointTimeoutMs = durationFlag(str(f, "store.response-timeout"), "store.response-timeout");
    const proxy = new ProxyStore({ endpoints: () => endpoints.endpoints(), endpointTimeoutMs, logger: log, componentType: "query" });
    // Metadata and exemplars go to the endpoints whose Info advertises them.
    const metadata = new MetadataProxy({ endpoints: () => endpoints.endpoints(), endpointTimeoutMs, logger: log });
    const exemplars = new ExemplarsProxy({ endpoints: () => endpoints.endpoints(), endpointTimeoutMs, logger: log, features });
    const { app, readiness } = componentHttp();
    const querier = new Querier({
      store: proxy,
      replicaLabels: list(f, "query.replica-label"),
      defaultPartialResponse: bool(f, "query.partial-response"),
      autoDownsampling: bool(f, "query.auto-downsampling"),
      engine: {
        lookbackDelta: durationFlag(str(f, "query.lookback-delta"), "query.lookback-delta"),
        timeout: durationFlag(str(f, "query.timeout"), "query.timeout"),
        maxSamples,
        defaultSubqueryStep: durationFlag(str(f, "query.default-evaluation-interval"), "query.default-evaluation-interval"),
        features,
      },
      flags: flagsRecord(f),
      stores: async () => endpointStatus(endpoints.endpoints()),
      metadata,
      exemplars,
    });
    app.route("/api/v1", apiV1(querier, features));
    const grpc = await serveStoreGrpc({ address: str(f, "grpc-address"), store: proxy, metadata, exemplars });
    log.info("serving StoreAPI", { address: `${grpc.host}:${grpc.port}` });
    const http = await serveHttp(str(f, "http-address"), app, log);
    readiness.markReady();
    return untilShutdown(log, [() => endpoints.stop(), () => grpc.close(), () => http.close(), ...clients.map((c) => () => c.close())]);
  },
};
