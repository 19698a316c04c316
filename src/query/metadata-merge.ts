// Merging metric metadata from several endpoints (Thanos's querier semantics): per metric name
// the distinct {type, help, unit} entries, in the order first seen; `limit` caps the number of
// metric names (negative: no cap; 0: nothing), first come first kept; `limitPerMetric` (> 0)
// caps the entries per name, as Prometheus's limit_per_metric does.
import type { MetricMetadata } from "../gen/thanos/metadata/rpc_pb.ts";
import { compareStrings } from "../labels/index.ts";

export interface MetaEntry {
  type: string;
  help: string;
  unit: string;
}

export class MetadataMerger {
  private readonly byMetric = new Map<string, MetaEntry[]>();

  constructor(
    private readonly limit: number,
    private readonly limitPerMetric = 0,
  ) {}

  add(md: MetricMetadata): void {
    if (this.limit === 0) return;
    // Names in sorted order, so which ones a limit keeps does not depend on map order.
    for (const name of Object.keys(md.metadata).sort(compareStrings)) {
      let list = this.byMetric.get(name);
      if (!list) {
        if (this.limit > 0 && this.byMetric.size >= this.limit) continue;
        list = [];
        this.byMetric.set(name, list);
      }
      for (const m of md.metadata[name].metas) {
        if (this.limitPerMetric > 0 && list.length >= this.limitPerMetric) break;
        if (!list.some((x) => x.type === m.type && x.help === m.help && x.unit === m.unit)) list.push({ type: m.type, help: m.help, unit: m.unit });
      }
    }
  }

  // Metric name -> entries, names sorted (Prometheus's JSON has them sorted too).
  result(): Map<string, MetaEntry[]> {
    return new Map([...this.byMetric.entries()].sort((a, b) => compareStrings(a[0], b[0])));
  }
}
