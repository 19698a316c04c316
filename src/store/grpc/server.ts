// Serves a StoreServer (and optionally a WriteableStore) over gRPC: thanos.Store (Series,
// LabelNames, LabelValues, legacy Info), thanos.info.Info, thanos.WriteableStore and, when given,
// thanos.Metadata / thanos.Exemplars (metadata-exemplars-server.ts), on HTTP/2 cleartext via
// connect-node. Message limits are Thanos's (MaxInt32), "snappy" (framed) and gzip
// request/response compression are accepted, the client's deadline and cancellation reach the
// implementation as an AbortSignal, and StoreErrors become gRPC status codes.
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { Info } from "../../gen/thanos/info/rpc_pb.ts";
import {
  InfoResponseSchema as LegacyInfoResponseSchema,
  Store,
  StoreType,
  WriteableStore,
  WriteResponseSchema,
  type SeriesResponse,
  type WriteRequest,
} from "../../gen/thanos/store/rpc_pb.ts";
import { LabelSetSchema } from "../../gen/thanos/store/types_pb.ts";
import type { ExemplarsAPI, MetadataAPI } from "../metadata-exemplars.ts";
import { advertiseOptionalApis, registerMetadataExemplars } from "./metadata-exemplars-server.ts";
import { batchSeries } from "./batch.ts";
import type { Registry } from "../../observability/index.ts";
import type { StoreCallOptions, StoreServer } from "../types.ts";
import { toConnectError } from "./codes.ts";
import { acceptedCompressions, MAX_MESSAGE_BYTES } from "./compression.ts";
import { grpcServerMetrics, type GrpcServerMetrics, type GrpcType } from "./metrics.ts";

// Receive's replication/forwarding target (thanos.WriteableStore/RemoteWrite).
export interface WriteableStoreServer {
  remoteWrite(req: WriteRequest, opts?: StoreCallOptions): Promise<void>;
  // The same call from the request message's raw bytes; when present, serveStoreGrpc routes
  // RemoteWrite here (raw-remote-write.ts) so the implementation can decode values as bits.
  remoteWriteBytes?(msg: Uint8Array, opts?: StoreCallOptions): Promise<void>;
}

export interface StoreServicesOptions {
  store: StoreServer;
  writeable?: WriteableStoreServer;
  // thanos.Metadata / thanos.Exemplars, served and advertised in Info when given.
  metadata?: MetadataAPI;
  exemplars?: ExemplarsAPI;
  registry?: Registry;
}

// Options for connect's router/adapter: Thanos-sized messages and our compressions.
export const grpcHandlerOptions = {
  grpc: true,
  grpcWeb: false,
  connect: false,
  acceptCompression: acceptedCompressions,
  readMaxBytes: MAX_MESSAGE_BYTES,
  writeMaxBytes: MAX_MESSAGE_BYTES,
  // Small messages are not worth compressing (matches what grpc-go effectively does for tiny frames).
  compressMinBytes: 1024,
} as const;

const LEGACY_STORE_TYPES: Record<string, StoreType> = {
  query: StoreType.QUERY,
  rule: StoreType.RULE,
  sidecar: StoreType.SIDECAR,
  store: StoreType.STORE,
  receive: StoreType.RECEIVE,
  debug: StoreType.DEBUG,
};

export function registerStoreServices(router: ConnectRouter, opts: StoreServicesOptions): void {
  const { store } = opts;
  const m = opts.registry ? grpcServerMetrics(opts.registry) : undefined;

  router.service(Store, {
    series: (req, ctx) => instrumentStream(m, "thanos.Store", "Series", seriesStream(store, req, ctx)),
    labelNames: (req, ctx) =>
      instrumentUnary(m, "thanos.Store", "LabelNames", () => store.labelNames(req, callOptions(ctx))),
    labelValues: (req, ctx) =>
      instrumentUnary(m, "thanos.Store", "LabelValues", () => store.labelValues(req, callOptions(ctx))),
    info: (_req, ctx) =>
      instrumentUnary(m, "thanos.Store", "Info", async () => {
        const info = await store.info(callOptions(ctx));
        return create(LegacyInfoResponseSchema, {
          minTime: info.store?.minTime ?? 0n,
          maxTime: info.store?.maxTime ?? 0n,
          storeType: LEGACY_STORE_TYPES[info.ComponentType] ?? StoreType.UNKNOWN,
          labelSets: info.labelSets.map((s) => create(LabelSetSchema, { labels: s.labels })),
        });
      }),
  });
  router.service(Info, {
    info: (_req, ctx) =>
      instrumentUnary(m, "thanos.info.Info", "Info", async () => advertiseOptionalApis(await store.info(callOptions(ctx)), opts)),
  });
  registerMetadataExemplars(router, opts, (service, method, it) => instrumentStream(m, service, method, it), callOptions);
  const writeable = opts.writeable;
  if (writeable) {
    router.service(WriteableStore, {
      remoteWrite: (req, ctx) =>
        instrumentUnary(m, "thanos.WriteableStore", "RemoteWrite", async () => {
          await writeable.remoteWrite(req, callOptions(ctx));
          return create(WriteResponseSchema, {});
        }),
    });
  }
}

// One Series per frame unless the client asked for batches (response_batch_size > 1).
async function* seriesStream(
  store: StoreServer,
  req: Parameters<StoreServer["series"]>[0],
  ctx: HandlerContext,
): AsyncGenerator<SeriesResponse> {
  const source = store.series(req, callOptions(ctx));
  yield* req.responseBatchSize > 1n ? batchSeries(source, req.responseBatchSize) : source;
  if (ctx.signal.aborted) throw ctx.signal.reason ?? new ConnectError("canceled", Code.Canceled);
}

// The client's deadline (grpc-timeout) and cancellation, for the implementation.
function callOptions(ctx: HandlerContext): StoreCallOptions {
  return { signal: ctx.signal, timeoutMs: ctx.timeoutMs() };
}

function codeName(e: unknown): string {
  return Code[toConnectError(e).code];
}

async function instrumentUnary<T>(m: GrpcServerMetrics | undefined, service: string, method: string, fn: () => Promise<T>): Promise<T> {
  const labels = { grpc_service: service, grpc_method: method, grpc_type: "unary" satisfies GrpcType };
  const start = performance.now();
  m?.started.inc(1, labels);
  try {
    const r = await fn();
    m?.handled.inc(1, { ...labels, grpc_code: "OK" });
    return r;
  } catch (e) {
    m?.handled.inc(1, { ...labels, grpc_code: codeName(e) });
    throw toConnectError(e);
  } finally {
    m?.handling.labels(labels).observeSince(start);
  }
}

async function* instrumentStream<T>(
  m: GrpcServerMetrics | undefined,
  service: string,
  method: string,
  it: AsyncIterable<T>,
): AsyncGenerator<T> {
  const labels = { grpc_service: service, grpc_method: method, grpc_type: "server_stream" satisfies GrpcType };
  const start = performance.now();
  m?.started.inc(1, labels);
  try {
    yield* it;
    m?.handled.inc(1, { ...labels, grpc_code: "OK" });
  } catch (e) {
    m?.handled.inc(1, { ...labels, grpc_code: codeName(e) });
    throw toConnectError(e);
  } finally {
    m?.handling.labels(labels).observeSince(start);
  }
}
