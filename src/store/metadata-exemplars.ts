// The two optional StoreAPI-side services an endpoint may serve next to thanos.Store: metric
// metadata (thanos.Metadata) and exemplars (thanos.Exemplars). Both stream, like Series, so
// warnings can travel in band. Local implementations (the sidecar's, the querier's fan-out) and
// the gRPC client implement the same interfaces.
import type { ExemplarsRequest, ExemplarsResponse } from "../gen/thanos/exemplars/rpc_pb.ts";
import type { MetricMetadataRequest, MetricMetadataResponse } from "../gen/thanos/metadata/rpc_pb.ts";
import type { StoreCallOptions } from "./types.ts";

export type { ExemplarData, Exemplar, ExemplarsRequest, ExemplarsResponse } from "../gen/thanos/exemplars/rpc_pb.ts";
export type { Meta, MetricMetadata, MetricMetadataRequest, MetricMetadataResponse } from "../gen/thanos/metadata/rpc_pb.ts";

export interface MetadataAPI {
  metricMetadata(req: MetricMetadataRequest, opts?: StoreCallOptions): AsyncIterable<MetricMetadataResponse>;
}

export interface ExemplarsAPI {
  // Series labels in the answers carry the endpoint's external labels.
  exemplars(req: ExemplarsRequest, opts?: StoreCallOptions): AsyncIterable<ExemplarsResponse>;
}

export function hasMetadataAPI(x: object): x is MetadataAPI {
  return typeof (x as Partial<MetadataAPI>).metricMetadata === "function";
}

export function hasExemplarsAPI(x: object): x is ExemplarsAPI {
  return typeof (x as Partial<ExemplarsAPI>).exemplars === "function";
}
