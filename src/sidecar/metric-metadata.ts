// The sidecar's thanos.Metadata: Prometheus's /api/v1/metadata as one MetricMetadata message.
// Metadata has no external labels, so it passes through as is.
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
import type { MetadataAPI } from "../store/metadata-exemplars.ts";
import type { StoreCallOptions } from "../store/types.ts";
import type { PrometheusClient } from "./prom-client.ts";

export class PrometheusMetadata implements MetadataAPI {
  constructor(private readonly prom: PrometheusClient) {}

  async *metricMetadata(req: MetricMetadataRequest, opts?: StoreCallOptions): AsyncIterable<MetricMetadataResponse> {
    // limit 0 asks for nothing (Thanos and Prometheus agree); no need to ask Prometheus.
    if (req.limit === 0) return;
    const byMetric = await this.prom.metricMetadata(req.metric, req.limit, opts?.signal);
    const metadata: Record<string, MetricMetadataEntry> = {};
    for (const [name, metas] of Object.entries(byMetric)) {
      metadata[name] = create(MetricMetadataEntrySchema, {
        metas: metas.map((m) => create(MetaSchema, { type: m.type ?? "", help: m.help ?? "", unit: m.unit ?? "" })),
      });
    }
    yield create(MetricMetadataResponseSchema, { result: { case: "metadata", value: create(MetricMetadataSchema, { metadata }) } });
  }
}
