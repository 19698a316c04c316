// The engine's Queryable over the StoreAPI: one Series call per selector, replica labels
// stripped by the stores (without_replica_labels), replicas deduplicated here, chunks decoded
// in bulk by the WASM kernels.
import { create } from "@bufbuild/protobuf";
import { SeriesRequestSchema, QueryHintsSchema } from "../gen/thanos/store/rpc_pb.ts";
import { PartialResponseStrategy } from "../gen/thanos/store/types_pb.ts";
import type { AggrChunk } from "../gen/thanos/store/types_pb.ts";
import { compareLabels, labelsKey, type Label, type Labels } from "../labels/labels.ts";
import type { Matcher } from "../labels/matcher.ts";
import type { Queryable, SelectHints, SelectResult, StoredSeries } from "../promql/queryable.ts";
import { matchersToProto } from "../store/matchers.ts";
import type { StoreAPI } from "../store/types.ts";
import { aggrForFunc, aggrsToRequest, isCounterFunc } from "./aggregates.ts";
import { seriesSamples } from "./series-samples.ts";

export interface StoreQueryableOptions {
  store: StoreAPI;
  replicaLabels: string[];
  dedup: boolean;
  partialResponse: boolean;
  maxResolutionMs: number; // 0 = raw only
  signal?: AbortSignal;
}

export interface SelectStats {
  series: number;
  chunks: number;
  samples: number;
}

export class StoreQueryable implements Queryable {
  readonly stats: SelectStats = { series: 0, chunks: 0, samples: 0 };

  constructor(private readonly opts: StoreQueryableOptions) {}

  async select(matchers: Matcher[], hints: SelectHints, signal?: AbortSignal): Promise<SelectResult> {
    const o = this.opts;
    const choice = aggrForFunc(hints.func);
    const req = create(SeriesRequestSchema, {
      minTime: BigInt(Math.trunc(hints.start)),
      maxTime: BigInt(Math.trunc(hints.end)),
      matchers: matchersToProto(matchers),
      maxResolutionWindow: BigInt(o.maxResolutionMs),
      aggregates: aggrsToRequest(choice),
      partialResponseStrategy: o.partialResponse ? PartialResponseStrategy.WARN : PartialResponseStrategy.ABORT,
      partialResponseDisabled: !o.partialResponse,
      withoutReplicaLabels: o.dedup ? o.replicaLabels : [],
      queryHints: create(QueryHintsSchema, {
        stepMillis: BigInt(hints.step ?? 0),
        func: hints.func ? { name: hints.func } : undefined,
        range: hints.range ? { millis: BigInt(hints.range) } : undefined,
        grouping: hints.grouping ? { by: !!hints.by, labels: hints.grouping } : undefined,
      }),
    });
    const sig = signal && o.signal ? AbortSignal.any([signal, o.signal]) : (signal ?? o.signal);
    const warnings: string[] = [];
    // Series with the same labels (after dropping replica labels) are one series whose chunks
    // come from several replicas/stores; collect all their chunks before decoding.
    const byKey = new Map<string, { labels: Labels; chunks: AggrChunk[] }>();
    const dropped = new Set(o.dedup ? o.replicaLabels : []);
    for await (const resp of o.store.series(req, { signal: sig })) {
      const r = resp.result;
      if (r.case === "series") this.add(byKey, r.value.labels, r.value.chunks, dropped);
      else if (r.case === "batch") for (const s of r.value.series) this.add(byKey, s.labels, s.chunks, dropped);
      else if (r.case === "warning") warnings.push(r.value);
    }
    const series: StoredSeries[] = [];
    const algorithm = o.dedup ? "penalty" : "chain";
    const counter = isCounterFunc(hints.func);
    for (const { labels, chunks } of byKey.values()) {
      this.stats.series++;
      this.stats.chunks += chunks.length;
      const s = seriesSamples(chunks, { algorithm, counter, choice, mint: hints.start, maxt: hints.end });
      this.stats.samples += s.ts.length;
      series.push({ labels, ts: s.ts, vs: s.vs });
    }
    series.sort((a, b) => compareLabels(a.labels, b.labels));
    return { series, warnings };
  }

  private add(byKey: Map<string, { labels: Labels; chunks: AggrChunk[] }>, raw: readonly Label[], chunks: AggrChunk[], dropped: Set<string>): void {
    const labels: Label[] = [];
    for (const l of raw) if (!dropped.has(l.name)) labels.push({ name: l.name, value: l.value });
    const key = labelsKey(labels);
    const cur = byKey.get(key);
    if (cur) cur.chunks.push(...chunks);
    else byKey.set(key, { labels, chunks: [...chunks] });
  }
}
