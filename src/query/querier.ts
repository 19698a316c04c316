// The querier: evaluates PromQL over a StoreAPI (usually the proxy fanning out to every
// endpoint) and answers series/label requests; it is the backend of the HTTP API.
import { create } from "@bufbuild/protobuf";
import { LabelNamesRequestSchema, LabelValuesRequestSchema, SeriesRequestSchema } from "../gen/thanos/store/rpc_pb.ts";
import { PartialResponseStrategy } from "../gen/thanos/store/types_pb.ts";
import type { ApiBackend, ExemplarSeries, MetadataEntry, QueryRun, ReadOptions } from "../api/backend.ts";
import { ExemplarsRequestSchema } from "../gen/thanos/exemplars/rpc_pb.ts";
import { MetricMetadataRequestSchema } from "../gen/thanos/metadata/rpc_pb.ts";
import type { ExemplarData } from "../gen/thanos/exemplars/rpc_pb.ts";
import type { ExemplarsAPI, MetadataAPI } from "../store/metadata-exemplars.ts";
import { mergeExemplarData } from "./exemplars-merge.ts";
import { MetadataMerger } from "./metadata-merge.ts";
import { compareLabels, compareStrings, labelsKey, type Label, type Labels } from "../labels/labels.ts";
import type { Matcher } from "../labels/matcher.ts";
import { defaultEngineOptions, PromQLError, type EngineOptions, type QueryResult } from "../promql/api.ts";
import { Engine } from "../promql/engine/index.ts";
import { matchersToProto } from "../store/matchers.ts";
import type { StoreAPI } from "../store/types.ts";
import { StoreQueryable } from "./store-queryable.ts";

const RES_5M = 300_000;
const RES_1H = 3_600_000;

export interface QuerierOptions {
  store: StoreAPI;
  replicaLabels: string[];
  defaultPartialResponse: boolean;
  autoDownsampling: boolean; // --query.auto-downsampling: range queries default to step/5
  engine: Partial<EngineOptions>;
  flags?: Record<string, string>;
  stores?: () => Promise<Record<string, unknown[]>>;
  ready?: () => boolean;
  // Fan-outs of thanos.Metadata / thanos.Exemplars; without them those APIs answer empty.
  metadata?: MetadataAPI;
  exemplars?: ExemplarsAPI;
}

export class Querier implements ApiBackend {
  readonly defaultPartialResponse: boolean;
  readonly flags: Record<string, string>;
  readonly startTime = new Date();
  private readonly engineOptions: EngineOptions;
  private readonly engines = new Map<number, Engine>();

  constructor(private readonly opts: QuerierOptions) {
    this.defaultPartialResponse = opts.defaultPartialResponse;
    this.flags = opts.flags ?? {};
    this.engineOptions = { ...defaultEngineOptions, ...opts.engine };
    if (opts.stores) this.stores = opts.stores;
  }

  stores?: () => Promise<Record<string, unknown[]>>;

  ready(): boolean {
    return this.opts.ready ? this.opts.ready() : true;
  }

  // Thanos raises the lookback delta to the resolution read, so downsampled points (one per
  // window) are still found by instant selectors.
  private engineFor(lookback: number): Engine {
    let e = this.engines.get(lookback);
    if (!e) {
      e = new Engine({ ...this.engineOptions, lookbackDelta: lookback });
      this.engines.set(lookback, e);
    }
    return e;
  }

  private resolution(o: ReadOptions, stepMs: number): number {
    if (o.maxSourceResolution === "auto") return Math.floor(stepMs / 5);
    if (o.maxSourceResolution === 0 && this.opts.autoDownsampling && stepMs > 0) return Math.floor(stepMs / 5);
    return o.maxSourceResolution;
  }

  private lookback(o: ReadOptions, res: number): number {
    let lb = o.lookbackDelta ?? this.engineOptions.lookbackDelta;
    if (res >= RES_1H) lb = Math.max(lb, RES_1H);
    else if (res >= RES_5M) lb = Math.max(lb, RES_5M);
    return lb;
  }

  private queryable(o: ReadOptions, res: number): StoreQueryable {
    return new StoreQueryable({
      store: this.opts.store,
      replicaLabels: o.replicaLabels ?? this.opts.replicaLabels,
      dedup: o.dedup,
      partialResponse: o.partialResponse,
      maxResolutionMs: res,
      signal: o.signal,
    });
  }

  // The engine checks its deadline between steps, but a slow endpoint would hold a query past
  // --query.timeout (or the request's `timeout`): a deadline signal aborts the fan-out too, and
  // whatever the abort surfaces as is reported as Prometheus's timeout (or canceled) error.
  private async withDeadline(o: ReadOptions, run: (o: ReadOptions) => Promise<QueryResult>): Promise<QueryResult> {
    const limits = [this.engineOptions.timeout, o.timeoutMs ?? 0].filter((t) => t > 0);
    const deadline = limits.length ? AbortSignal.timeout(Math.max(1, Math.min(...limits))) : undefined;
    const client = o.signal;
    const signal = deadline && client ? AbortSignal.any([client, deadline]) : (deadline ?? client);
    try {
      return await run({ ...o, signal });
    } catch (e) {
      if (client?.aborted) throw new PromQLError("canceled", "query was canceled in query execution");
      if (deadline?.aborted) throw new PromQLError("timeout", "query timed out in query execution");
      throw e;
    }
  }

  instantQuery(run: QueryRun, timeMs: number): Promise<QueryResult> {
    const res = this.resolution(run.options, 0);
    return this.withDeadline(run.options, (o) =>
      this.engineFor(this.lookback(o, res)).instantQuery(this.queryable(o, res), run.query, timeMs, o.signal),
    );
  }

  rangeQuery(run: QueryRun, startMs: number, endMs: number, stepMs: number): Promise<QueryResult> {
    const res = this.resolution(run.options, stepMs);
    return this.withDeadline(run.options, (o) =>
      this.engineFor(this.lookback(o, res)).rangeQuery(this.queryable(o, res), run.query, startMs, endMs, stepMs, o.signal),
    );
  }

  private strategy(o: ReadOptions): PartialResponseStrategy {
    return o.partialResponse ? PartialResponseStrategy.WARN : PartialResponseStrategy.ABORT;
  }

  async series(matchers: Matcher[][], startMs: number, endMs: number, o: ReadOptions, limit: number): Promise<{ series: Labels[]; warnings: string[] }> {
    const seen = new Map<string, Labels>();
    const warnings: string[] = [];
    const replica = new Set(o.dedup ? (o.replicaLabels ?? this.opts.replicaLabels) : []);
    for (const ms of matchers) {
      const req = create(SeriesRequestSchema, {
        minTime: BigInt(clampTime(startMs)),
        maxTime: BigInt(clampTime(endMs)),
        matchers: matchersToProto(ms),
        skipChunks: true,
        partialResponseStrategy: this.strategy(o),
        partialResponseDisabled: !o.partialResponse,
        withoutReplicaLabels: [...replica],
        limit: BigInt(limit),
      });
      for await (const resp of this.opts.store.series(req, { signal: o.signal })) {
        const r = resp.result;
        const add = (raw: readonly Label[]) => {
          const ls = raw.filter((l) => !replica.has(l.name)).map((l) => ({ name: l.name, value: l.value }));
          seen.set(labelsKey(ls), ls);
        };
        if (r.case === "series") add(r.value.labels);
        else if (r.case === "batch") r.value.series.forEach((s) => add(s.labels));
        else if (r.case === "warning") warnings.push(r.value);
      }
    }
    return { series: [...seen.values()].sort(compareLabels), warnings };
  }

  async metadata(metric: string, limit: number, limitPerMetric: number, o: ReadOptions): Promise<{ data: Map<string, MetadataEntry[]>; warnings: string[] }> {
    const api = this.opts.metadata;
    if (!api || limit === 0) return { data: new Map(), warnings: [] };
    // int32 on the wire: a larger limit is no limit at all.
    const wireLimit = limit < 0 || limit > 2 ** 31 - 1 ? -1 : limit;
    const req = create(MetricMetadataRequestSchema, { metric, limit: wireLimit, partialResponseStrategy: this.strategy(o) });
    const merger = new MetadataMerger(wireLimit, limitPerMetric);
    const warnings: string[] = [];
    for await (const r of api.metricMetadata(req, { signal: o.signal })) {
      if (r.result.case === "metadata") merger.add(r.result.value);
      else if (r.result.case === "warning") warnings.push(r.result.value);
    }
    return { data: merger.result(), warnings };
  }

  async exemplars(query: string, startMs: number, endMs: number, o: ReadOptions): Promise<{ data: ExemplarSeries[]; warnings: string[] }> {
    const api = this.opts.exemplars;
    if (!api) return { data: [], warnings: [] };
    const req = create(ExemplarsRequestSchema, {
      query,
      start: BigInt(clampTime(startMs)),
      end: BigInt(clampTime(endMs)),
      partialResponseStrategy: this.strategy(o),
    });
    const data: ExemplarData[] = [];
    const warnings: string[] = [];
    for await (const r of api.exemplars(req, { signal: o.signal })) {
      if (r.result.case === "data") data.push(r.result.value);
      else if (r.result.case === "warning") warnings.push(r.result.value);
    }
    // Replica labels go from series labels (and replicas collapse) unless dedup is off.
    const replica = new Set(o.dedup ? (o.replicaLabels ?? this.opts.replicaLabels) : []);
    const merged = mergeExemplarData(data, replica).map((d) => ({
      seriesLabels: (d.seriesLabels?.labels ?? []).map((l) => ({ name: l.name, value: l.value })),
      exemplars: d.exemplars.map((e) => ({
        labels: (e.labels?.labels ?? []).map((l) => ({ name: l.name, value: l.value })).sort((a, b) => compareStrings(a.name, b.name)),
        value: e.value,
        timestampMs: Number(e.ts),
      })),
    }));
    return { data: merged, warnings };
  }

  // The request fields label names and label values share, for one matcher set.
  private labelRequestFields(ms: Matcher[], startMs: number, endMs: number, o: ReadOptions, replica: string[], limit: number) {
    return {
      start: BigInt(clampTime(startMs)),
      end: BigInt(clampTime(endMs)),
      matchers: matchersToProto(ms),
      partialResponseStrategy: this.strategy(o),
      partialResponseDisabled: !o.partialResponse,
      withoutReplicaLabels: replica,
      limit: BigInt(limit),
    };
  }

  // One call per `match[]` set (or one unfiltered call), results unioned and sorted.
  private async unionOverSets(
    matchers: Matcher[][],
    call: (ms: Matcher[]) => Promise<{ values: string[]; warnings: string[] }>,
  ): Promise<{ values: Set<string>; warnings: string[] }> {
    const values = new Set<string>();
    const warnings: string[] = [];
    for (const ms of matchers.length ? matchers : [[]]) {
      const r = await call(ms);
      r.values.forEach((v) => values.add(v));
      warnings.push(...r.warnings);
    }
    return { values, warnings };
  }

  async labelNames(matchers: Matcher[][], startMs: number, endMs: number, o: ReadOptions, limit: number): Promise<{ values: string[]; warnings: string[] }> {
    const replica = o.dedup ? (o.replicaLabels ?? this.opts.replicaLabels) : [];
    const { values, warnings } = await this.unionOverSets(matchers, async (ms) => {
      const resp = await this.opts.store.labelNames(create(LabelNamesRequestSchema, this.labelRequestFields(ms, startMs, endMs, o, replica, limit)), { signal: o.signal });
      return { values: resp.names, warnings: resp.warnings };
    });
    for (const r of replica) values.delete(r);
    return { values: [...values].sort(compareStrings), warnings };
  }

  async labelValues(name: string, matchers: Matcher[][], startMs: number, endMs: number, o: ReadOptions, limit: number): Promise<{ values: string[]; warnings: string[] }> {
    const replica = o.dedup ? (o.replicaLabels ?? this.opts.replicaLabels) : [];
    if (replica.includes(name)) return { values: [], warnings: [] };
    const { values, warnings } = await this.unionOverSets(matchers, async (ms) => {
      const resp = await this.opts.store.labelValues(
        create(LabelValuesRequestSchema, { label: name, ...this.labelRequestFields(ms, startMs, endMs, o, replica, limit) }),
        { signal: o.signal },
      );
      return { values: resp.values, warnings: resp.warnings };
    });
    return { values: [...values].sort(compareStrings), warnings };
  }
}

// int64 milliseconds; the API's open-ended defaults are beyond what a double holds exactly.
function clampTime(ms: number): number {
  return Math.trunc(Math.max(-9223372036854775, Math.min(9223372036854775, ms)));
}
