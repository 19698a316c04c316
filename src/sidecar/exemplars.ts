// The sidecar's thanos.Exemplars: Prometheus's /api/v1/query_exemplars, one ExemplarData per
// series. Prometheus knows nothing of its external labels, so they are added to every series'
// labels here (overriding a stored label of the same name, as for Series). The query arrives
// with matchers on external labels already removed by the querier, as Thanos's does.
import { create } from "@bufbuild/protobuf";
import {
  ExemplarDataSchema,
  ExemplarSchema,
  ExemplarsResponseSchema,
  type ExemplarsRequest,
  type ExemplarsResponse,
} from "../gen/thanos/exemplars/rpc_pb.ts";
import { LabelSchema, LabelSetSchema } from "../gen/thanos/store/types_pb.ts";
import { fromRecord, type Label } from "../labels/index.ts";
import { invalidArgument, throwIfAborted } from "../store/errors.ts";
import type { ExemplarsAPI } from "../store/metadata-exemplars.ts";
import type { StoreCallOptions } from "../store/types.ts";
import type { PromMetadata } from "./metadata.ts";
import type { PrometheusClient } from "./prom-client.ts";
import { finalLabels } from "./store.ts";

const NO_DROP: ReadonlySet<string> = new Set();

export class PrometheusExemplars implements ExemplarsAPI {
  constructor(
    private readonly prom: PrometheusClient,
    private readonly metadata: Pick<PromMetadata, "externalLabels">,
  ) {}

  async *exemplars(req: ExemplarsRequest, opts?: StoreCallOptions): AsyncIterable<ExemplarsResponse> {
    if (req.start > req.end) throw invalidArgument(`start ${req.start} > end ${req.end}`);
    const series = await this.prom.queryExemplars(req.query, { start: req.start, end: req.end }, opts?.signal);
    const ext = this.metadata.externalLabels();
    for (const s of series) {
      throwIfAborted(opts?.signal);
      const seriesLabels = finalLabels(fromRecord(s.seriesLabels ?? {}), ext, NO_DROP);
      const data = create(ExemplarDataSchema, {
        seriesLabels: labelSet(seriesLabels),
        exemplars: (s.exemplars ?? []).map((e) =>
          create(ExemplarSchema, { labels: labelSet(fromRecord(e.labels ?? {})), value: parseGoFloat(e.value), ts: BigInt(Math.round(e.timestamp * 1000)) }),
        ),
      });
      yield create(ExemplarsResponseSchema, { result: { case: "data", value: data } });
    }
  }
}

function labelSet(ls: readonly Label[]) {
  return create(LabelSetSchema, { labels: ls.map((l) => create(LabelSchema, { name: l.name, value: l.value })) });
}

// Prometheus writes sample values with Go's strconv: "+Inf", "-Inf" and "NaN" besides numbers.
export function parseGoFloat(s: string | number): number {
  if (typeof s === "number") return s;
  if (s === "+Inf" || s === "Inf") return Infinity;
  if (s === "-Inf") return -Infinity;
  return Number(s);
}
