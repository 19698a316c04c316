export { createStoreClient, type GrpcStoreClient, type StoreClientOptions } from "./client.ts";
export {
  acceptedCompressions,
  compressionByName,
  compressionSnappy,
  HTTP2_WINDOW_BYTES,
  MAX_MESSAGE_BYTES,
  type CompressionName,
} from "./compression.ts";
export { grpcServerMetrics, type GrpcServerMetrics } from "./metrics.ts";
export { encodeSeriesResponse } from "./series-encode.ts";
export { decodeSeriesResponse } from "./series-decode.ts";
export { callSeries, Http2Channel, type SeriesCallOptions } from "./series-client.ts";
export { fromConnectError, toConnectError } from "./codes.ts";
export { listenGrpc, type GrpcServer } from "./listen.ts";
export { createSeriesHandler, isGrpcRequest, parseGrpcTimeout, SERIES_PATH } from "./series-fast.ts";
export { batchSeries } from "./batch.ts";
export { createRemoteWriteHandler, REMOTE_WRITE_PATH } from "./raw-remote-write.ts";
export {
  grpcHandlerOptions,
  registerStoreServices,
  type StoreServicesOptions,
  type WriteableStoreServer,
} from "./server.ts";

import type { Registry } from "../../observability/index.ts";
import type { StoreServer } from "../types.ts";
import type { ExemplarsAPI, MetadataAPI } from "../metadata-exemplars.ts";
import { listenGrpc, type GrpcServer } from "./listen.ts";
import { registerStoreServices, type WriteableStoreServer } from "./server.ts";
import { createSeriesHandler, SERIES_PATH } from "./series-fast.ts";
import { grpcServerMetrics } from "./metrics.ts";
import { createRemoteWriteHandler, REMOTE_WRITE_PATH } from "./raw-remote-write.ts";

// The common case: serve one StoreServer (plus optional WriteableStore) on `address` (host:port;
// port 0 picks a free one).
export function serveStoreGrpc(opts: {
  address: string;
  store: StoreServer;
  writeable?: WriteableStoreServer;
  metadata?: MetadataAPI;
  exemplars?: ExemplarsAPI;
  registry?: Registry;
}): Promise<GrpcServer> {
  const metrics = opts.registry ? grpcServerMetrics(opts.registry) : undefined;
  const writeBytes = opts.writeable?.remoteWriteBytes?.bind(opts.writeable);
  return listenGrpc(opts.address, (router) => registerStoreServices(router, opts), {
    [SERIES_PATH]: createSeriesHandler(opts.store, metrics),
    ...(writeBytes ? { [REMOTE_WRITE_PATH]: createRemoteWriteHandler(writeBytes, metrics) } : {}),
  });
}
