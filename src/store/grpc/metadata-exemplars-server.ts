// Serving the optional thanos.Metadata and thanos.Exemplars services beside the StoreAPI, and
// saying so in thanos.info.Info: a querier only asks endpoints whose Info has metric_metadata /
// exemplars set, so registering a service and advertising it go together.
import { create } from "@bufbuild/protobuf";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { Exemplars } from "../../gen/thanos/exemplars/rpc_pb.ts";
import { ExemplarsInfoSchema, MetricMetadataInfoSchema, type InfoResponse } from "../../gen/thanos/info/rpc_pb.ts";
import { Metadata } from "../../gen/thanos/metadata/rpc_pb.ts";
import { MAX_TIME, MIN_TIME } from "../info.ts";
import type { ExemplarsAPI, MetadataAPI } from "../metadata-exemplars.ts";
import type { StoreCallOptions } from "../types.ts";

export interface OptionalApis {
  metadata?: MetadataAPI;
  exemplars?: ExemplarsAPI;
}

type Instrument = <T>(service: string, method: string, it: AsyncIterable<T>) => AsyncIterable<T>;

export function registerMetadataExemplars(
  router: ConnectRouter,
  apis: OptionalApis,
  instrument: Instrument,
  callOptions: (ctx: HandlerContext) => StoreCallOptions,
): void {
  const { metadata, exemplars } = apis;
  if (metadata) {
    router.service(Metadata, {
      metricMetadata: (req, ctx) => instrument("thanos.Metadata", "MetricMetadata", metadata.metricMetadata(req, callOptions(ctx))),
    });
  }
  if (exemplars) {
    router.service(Exemplars, {
      exemplars: (req, ctx) => instrument("thanos.Exemplars", "Exemplars", exemplars.exemplars(req, callOptions(ctx))),
    });
  }
}

// Info with the served optional APIs marked, unless the implementation already described them
// (e.g. an exemplars time range narrower than "all time", which Thanos's sidecar advertises).
export function advertiseOptionalApis(info: InfoResponse, apis: OptionalApis): InfoResponse {
  if ((!apis.metadata || info.metricMetadata) && (!apis.exemplars || info.exemplars)) return info;
  // A shallow copy: the implementation may hand out a cached Info.
  const out: InfoResponse = { ...info };
  if (apis.metadata && !out.metricMetadata) out.metricMetadata = create(MetricMetadataInfoSchema, {});
  if (apis.exemplars && !out.exemplars) out.exemplars = create(ExemplarsInfoSchema, { minTime: MIN_TIME, maxTime: MAX_TIME });
  return out;
}
