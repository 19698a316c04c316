// The StoreAPI as a TypeScript interface: what the store gateway, receive, sidecar, ruler and the
// proxy implement, and what the querier consumes. Remote endpoints (our gRPC client) implement the
// same interface, so a proxy can stack on proxies. Messages are the generated protobuf types, so
// nothing is converted between the wire and an implementation.
import type { InfoResponse } from "../gen/thanos/info/rpc_pb.ts";
import type {
  LabelNamesRequest,
  LabelNamesResponse,
  LabelValuesRequest,
  LabelValuesResponse,
  SeriesRequest,
  SeriesResponse,
} from "../gen/thanos/store/rpc_pb.ts";

export type {
  LabelNamesRequest,
  LabelNamesResponse,
  LabelValuesRequest,
  LabelValuesResponse,
  SeriesRequest,
  SeriesResponse,
} from "../gen/thanos/store/rpc_pb.ts";
export type { InfoResponse, StoreInfo, TSDBInfo } from "../gen/thanos/info/rpc_pb.ts";
export type { AggrChunk, Chunk, Label, LabelMatcher, Series, ZLabelSet } from "../gen/thanos/store/types_pb.ts";

export interface StoreCallOptions {
  // Aborted when the caller cancels or its deadline passes; implementations stop work and throw.
  signal?: AbortSignal;
  // Remaining time budget in ms, if the caller has a deadline. Remote clients send it as the gRPC
  // deadline (grpc-timeout) so the far side can give up too; local stores may ignore it.
  timeoutMs?: number;
}

export interface StoreAPI {
  // What this endpoint serves: external labels, time range, capabilities (thanos.info.Info).
  info(opts?: StoreCallOptions): Promise<InfoResponse>;
  // Series sorted by label set (labels sorted by name); `warning` frames for partial results.
  // Each yielded response holds one Series (or a warning/hints); batching is a wire concern.
  series(req: SeriesRequest, opts?: StoreCallOptions): AsyncIterable<SeriesResponse>;
  labelNames(req: LabelNamesRequest, opts?: StoreCallOptions): Promise<LabelNamesResponse>;
  labelValues(req: LabelValuesRequest, opts?: StoreCallOptions): Promise<LabelValuesResponse>;
}

// Served by an implementation in this process.
export type StoreServer = StoreAPI;

// A StoreAPI reached over the network (or any named endpoint the proxy fans out to).
export interface StoreClient extends StoreAPI {
  // host:port or a name used in warnings, logs and metrics.
  readonly name: string;
  // Releases connections. Idempotent.
  close?(): Promise<void>;
}
