// The querier's thanos.Metadata: asks every endpoint whose Info advertises metric metadata and
// answers one merged MetricMetadata (distinct entries per metric, `limit` names), with failed
// endpoints as warnings under the WARN strategy. Served over gRPC too, so queriers stack.
import { create } from "@bufbuild/protobuf";
import {
  MetaSchema,
  MetricMetadataEntrySchema,
  MetricMetadataResponseSchema,
  MetricMetadataSchema,
  type MetricMetadataEntry,
  type MetricMetadataRequest,
  type MetricMetadataResponse,
} from "../gen/thanos/metadata/rpc_pb.ts";
import type { Logger } from "../observability/index.ts";
import { hasMetadataAPI, type MetadataAPI } from "../store/metadata-exemplars.ts";
import type { ProxyEndpoint } from "../store/proxy/index.ts";
import type { StoreCallOptions } from "../store/types.ts";
import { fanOut } from "./fanout.ts";
import { MetadataMerger } from "./metadata-merge.ts";

export interface FanOutProxyOptions {
  endpoints: () => ProxyEndpoint[];
  endpointTimeoutMs?: number;
  logger?: Logger;
}

export class MetadataProxy implements MetadataAPI {
  constructor(private readonly opts: FanOutProxyOptions) {}

  async *metricMetadata(req: MetricMetadataRequest, opts?: StoreCallOptions): AsyncIterable<MetricMetadataResponse> {
    const targets = this.opts.endpoints().flatMap((ep) => {
      const client = ep.client;
      if (!ep.info?.metricMetadata || !hasMetadataAPI(client)) return [];
      return [{ name: client.name, call: (o: StoreCallOptions) => client.metricMetadata(req, o) }];
    });
    const { answers, errors } = await fanOut(targets, { strategy: req.partialResponseStrategy, endpointTimeoutMs: this.opts.endpointTimeoutMs, logger: this.opts.logger }, opts);
    const merger = new MetadataMerger(req.limit);
    const warnings = [...errors];
    for (const rs of answers) {
      for (const r of rs) {
        if (r.result.case === "metadata") merger.add(r.result.value);
        else if (r.result.case === "warning") warnings.push(r.result.value);
      }
    }
    for (const w of warnings) yield create(MetricMetadataResponseSchema, { result: { case: "warning", value: w } });
    const metadata: Record<string, MetricMetadataEntry> = {};
    for (const [name, metas] of merger.result()) metadata[name] = create(MetricMetadataEntrySchema, { metas: metas.map((m) => create(MetaSchema, m)) });
    if (Object.keys(metadata).length) {
      yield create(MetricMetadataResponseSchema, { result: { case: "metadata", value: create(MetricMetadataSchema, { metadata }) } });
    }
  }
}
