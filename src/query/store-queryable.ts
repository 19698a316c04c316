// The engine's Queryable over the StoreAPI: one Series call per selector, replica labels
// stripped by the stores (without_replica_labels), replicas deduplicated here, chunks decoded
// in bulk by the WASM kernels.
import { create } from "@bufbuild/protobuf";
import { SeriesRequestSchema, QueryHintsSchema } from "../gen/thanos/store/rpc_pb.ts";
import { PartialResponseStrategy } from "../gen/thanos/store/types_pb.ts";
import type { AggrChunk } from "../gen/thanos/store/types_pb.ts";
import { compareLabels, labelsKey, type Label, type Labels } from "../labels/labels.ts";
import type { Matcher } from "../labels/matcher.ts";
import { PromQLError } from "../promql/api.ts";
import type { Queryable, SelectHints, SelectResult, StoredSeries } from "../promql/queryable.ts";
import { matchersToProto } from "../store/matchers.ts";
import type { StoreAPI } from "../store/types.ts";
import { aggrForFunc, aggrsToRequest, isCounterFunc } from "./aggregates.ts";
import { seriesSamples, type MergeOptions, type Samples } from "./series-samples.ts";

interface Pending {
  labels: Labels;
  chunks: AggrChunk[];
  decoded?: Samples;
}

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
    const merge = { algorithm: o.dedup ? ("penalty" as const) : ("chain" as const), counter: isCounterFunc(hints.func), choice, mint: hints.start, maxt: hints.end };
    // Series with the same labels (after dropping replica labels) are one series whose chunks
    // come from several replicas/stores. The proxy's stream is sorted by those labels, so a
    // series is complete once the next key arrives: decode it then, while the stores are still
    // streaming (the decode overlaps the network wait). A key seen again later (an endpoint that
    // could not drop replica labels itself) is simply decoded again from all its chunks.
    const byKey = new Map<string, Pending>();
    const dropped = new Set(o.dedup ? o.replicaLabels : []);
    let open: Pending | undefined;
    const add = (raw: readonly Label[], chunks: AggrChunk[]) => {
      const p = this.add(byKey, raw, chunks, dropped);
      if (open && open !== p) this.decode(open, merge);
      open = p;
    };
    try {
      for await (const resp of o.store.series(req, { signal: sig })) {
        const r = resp.result;
        if (r.case === "series") add(r.value.labels, r.value.chunks);
        else if (r.case === "batch") for (const s of r.value.series) add(s.labels, s.chunks);
        else if (r.case === "warning") warnings.push(r.value);
      }
    } catch (e) {
      // An aborted fan-out is classified by the querier (timeout vs canceled); any other store
      // failure (partial_response=false) is an execution error, as Thanos reports it.
      if (sig?.aborted) throw e;
      throw new PromQLError("execution", `expanding series: ${e instanceof Error ? e.message : String(e)}`);
    }
    const series: StoredSeries[] = [];
    for (const p of byKey.values()) {
      this.decode(p, merge);
      this.stats.series++;
      this.stats.chunks += p.chunks.length;
      this.stats.samples += p.decoded!.ts.length;
      series.push({ labels: p.labels, ts: p.decoded!.ts, vs: p.decoded!.vs });
    }
    series.sort((a, b) => compareLabels(a.labels, b.labels));
    return { series, warnings };
  }

  private add(byKey: Map<string, Pending>, raw: readonly Label[], chunks: AggrChunk[], dropped: Set<string>): Pending {
    const labels: Label[] = [];
    for (const l of raw) if (!dropped.has(l.name)) labels.push({ name: l.name, value: l.value });
    const key = labelsKey(labels);
    const cur = byKey.get(key);
    if (cur) {
      cur.chunks.push(...chunks);
      cur.decoded = undefined; // more chunks: decode again
      return cur;
    }
    const p: Pending = { labels, chunks: [...chunks] };
    byKey.set(key, p);
    return p;
  }

  private decode(p: Pending, merge: MergeOptions): void {
    if (!p.decoded) p.decoded = seriesSamples(p.chunks, merge);
  }
}
