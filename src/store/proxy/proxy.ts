// The fan-out store of the querier: sends each request to every endpoint whose Info may match,
// concurrently, and merges the sorted Series streams into one sorted stream (k-way merge by label
// set). Identical series from several stores become one, with identical chunks dropped by hash.
// Partial response: under WARN a failed or timed-out endpoint becomes a warning frame and the
// others continue; under ABORT the whole call fails. The proxy is itself a StoreServer, so it can
// be served over gRPC and stacked under another querier.
import { create } from "@bufbuild/protobuf";
import { InfoResponseSchema, StoreInfoSchema, type InfoResponse } from "../../gen/thanos/info/rpc_pb.ts";
import {
  LabelNamesResponseSchema,
  LabelValuesResponseSchema,
  SeriesResponseSchema,
  type LabelNamesRequest,
  type LabelNamesResponse,
  type LabelValuesRequest,
  type LabelValuesResponse,
  type SeriesRequest,
  type SeriesResponse,
} from "../../gen/thanos/store/rpc_pb.ts";
import { PartialResponseStrategy, SeriesSchema, ZLabelSetSchema, type Series } from "../../gen/thanos/store/types_pb.ts";
import { compareLabels, compareStrings, labelsKey } from "../../labels/index.ts";
import { nopLogger, type Logger } from "../../observability/index.ts";
import { StoreError, throwIfAborted, toStoreError } from "../errors.ts";
import { matchersFromProto } from "../matchers.ts";
import type { StoreCallOptions, StoreServer } from "../types.ts";
import { dedupChunks } from "./dedup.ts";
import { endpointMatches, type ProxyEndpoint } from "./endpoints.ts";
import { SeriesHeap } from "./heap.ts";
import { BufferedStream } from "./stream.ts";

export interface ProxyStoreOptions {
  // Current endpoints (re-read on every request, so an EndpointSet can change underneath).
  endpoints: () => ProxyEndpoint[];
  // Per-endpoint deadline for a whole call (0 = only the caller's deadline).
  endpointTimeoutMs?: number;
  logger?: Logger;
  componentType?: string;
}

export class ProxyStore implements StoreServer {
  private readonly log: Logger;
  constructor(private readonly opts: ProxyStoreOptions) {
    this.log = opts.logger ?? nopLogger;
  }

  async info(): Promise<InfoResponse> {
    let min: bigint | null = null;
    let max: bigint | null = null;
    const sets = new Map<string, InfoResponse["labelSets"][number]>();
    for (const ep of this.opts.endpoints()) {
      const st = ep.info?.store;
      if (!st) continue;
      if (min === null || st.minTime < min) min = st.minTime;
      if (max === null || st.maxTime > max) max = st.maxTime;
      for (const s of ep.info!.labelSets) sets.set(labelsKey(s.labels), create(ZLabelSetSchema, { labels: s.labels }));
    }
    return create(InfoResponseSchema, {
      labelSets: [...sets.values()].sort((a, b) => compareLabels(a.labels, b.labels)),
      ComponentType: this.opts.componentType ?? "query",
      store: create(StoreInfoSchema, {
        minTime: min ?? 0n,
        maxTime: max ?? 0n,
        // Replica labels are stripped here for endpoints that cannot do it themselves.
        supportsWithoutReplicaLabels: true,
      }),
    });
  }

  // Options for one endpoint call: the caller's cancel plus our per-endpoint timeout, and the
  // tighter of the two deadlines so remote endpoints get it as grpc-timeout.
  private callOpts(parent: AbortSignal, callerTimeoutMs: number | undefined): StoreCallOptions {
    const t = this.opts.endpointTimeoutMs;
    const signal = t ? AbortSignal.any([parent, AbortSignal.timeout(t)]) : parent;
    const budgets = [t, callerTimeoutMs].filter((x): x is number => typeof x === "number" && x > 0);
    return { signal, timeoutMs: budgets.length ? Math.min(...budgets) : undefined };
  }

  async *series(req: SeriesRequest, opts?: StoreCallOptions): AsyncIterable<SeriesResponse> {
    if (req.minTime > req.maxTime) throw new StoreError("InvalidArgument", `min_time ${req.minTime} > max_time ${req.maxTime}`);
    const ms = matchersFromProto(req.matchers);
    const abort = req.partialResponseStrategy === PartialResponseStrategy.ABORT;
    const eps = this.opts.endpoints().filter((ep) => endpointMatches(ep, req.minTime, req.maxTime, ms));
    const replicaLabels = new Set(req.withoutReplicaLabels);
    // Our own cancel: stops every endpoint call when the consumer stops early or we abort.
    const stopAll = new AbortController();
    const parent = opts?.signal ? AbortSignal.any([opts.signal, stopAll.signal]) : stopAll.signal;
    const streams = eps.map((ep) => {
      let source = ep.client.series(req, this.callOpts(parent, opts?.timeoutMs));
      if (replicaLabels.size && !ep.info?.store?.supportsWithoutReplicaLabels) {
        this.log.warn("endpoint does not support without_replica_labels; stripping and re-sorting in the proxy", {
          endpoint: ep.client.name,
        });
        source = stripAndSort(source, replicaLabels);
      }
      return new BufferedStream(ep.client.name, source);
    });
    const warning = (w: string): SeriesResponse => create(SeriesResponseSchema, { result: { case: "warning", value: w } });
    const heap = new SeriesHeap();
    // Reads stream i until its next series (yielding warnings), pushing it on the heap.
    const pending: string[] = [];
    const advance = async (i: number): Promise<void> => {
      for (;;) {
        const p = await streams[i].next();
        if (p.kind === "series") return heap.push({ series: p.series, stream: i });
        if (p.kind === "warning") {
          pending.push(p.warning);
          continue;
        }
        if (p.kind === "end") return;
        const err = p.error;
        if (abort || opts?.signal?.aborted) throw annotate(err, streams[i].name);
        this.log.warn("endpoint failed, returning partial response", { endpoint: streams[i].name, err: err.message });
        pending.push(`${streams[i].name}: ${err.message}`);
        return;
      }
    };
    const limit = req.limit > 0n ? Number(req.limit) : Infinity;
    let sent = 0;
    try {
      await Promise.all(streams.map((_, i) => advance(i)));
      for (;;) {
        while (pending.length) yield warning(pending.shift()!);
        const top = heap.pop();
        if (!top) break;
        throwIfAborted(opts?.signal);
        // Gather every head with the same label set (from any stream, including the same one).
        const same: Series[] = [top.series];
        await advance(top.stream);
        for (let h = heap.peek(); h && compareLabels(h.series.labels, top.series.labels) === 0; h = heap.peek()) {
          heap.pop();
          same.push(h.series);
          await advance(h.stream);
        }
        const merged =
          same.length === 1 && !req.skipChunks
            ? top.series
            : create(SeriesSchema, { labels: top.series.labels, chunks: req.skipChunks ? [] : dedupChunks(same.flatMap((s) => s.chunks)) });
        if (sent >= limit) break;
        sent++;
        while (pending.length) yield warning(pending.shift()!);
        yield create(SeriesResponseSchema, { result: { case: "series", value: merged } });
      }
    } finally {
      stopAll.abort();
      for (const s of streams) s.stop();
    }
  }

  async labelNames(req: LabelNamesRequest, opts?: StoreCallOptions): Promise<LabelNamesResponse> {
    const res = await this.fanOut(req.start, req.end, req.matchers, req.partialResponseStrategy, opts, (ep, o) =>
      ep.client.labelNames(req, o).then((r) => {
        if (req.withoutReplicaLabels.length && !ep.info?.store?.supportsWithoutReplicaLabels) {
          const drop = new Set(req.withoutReplicaLabels);
          r.names = r.names.filter((n) => !drop.has(n));
        }
        return { values: r.names, warnings: r.warnings };
      }),
    );
    return create(LabelNamesResponseSchema, { names: limitList(res.values, req.limit), warnings: res.warnings });
  }

  async labelValues(req: LabelValuesRequest, opts?: StoreCallOptions): Promise<LabelValuesResponse> {
    if (!req.label) throw new StoreError("InvalidArgument", "label name is required");
    const res = await this.fanOut(req.start, req.end, req.matchers, req.partialResponseStrategy, opts, (ep, o) =>
      ep.client.labelValues(req, o).then((r) => ({ values: r.values, warnings: r.warnings })),
    );
    return create(LabelValuesResponseSchema, { values: limitList(res.values, req.limit), warnings: res.warnings });
  }

  // Label APIs: concurrent calls, sorted unique union of the answers, warnings collected.
  private async fanOut(
    start: bigint,
    end: bigint,
    matchers: SeriesRequest["matchers"],
    strategy: PartialResponseStrategy,
    opts: StoreCallOptions | undefined,
    call: (ep: ProxyEndpoint, o: StoreCallOptions) => Promise<{ values: string[]; warnings: string[] }>,
  ): Promise<{ values: string[]; warnings: string[] }> {
    const ms = matchersFromProto(matchers);
    // start/end 0 means "no time restriction" for label requests.
    const lo = start === 0n && end === 0n ? -(2n ** 63n) : start;
    const hi = start === 0n && end === 0n ? 2n ** 63n - 1n : end;
    const eps = this.opts.endpoints().filter((ep) => endpointMatches(ep, lo, hi, ms));
    const stopAll = new AbortController();
    const parent = opts?.signal ? AbortSignal.any([opts.signal, stopAll.signal]) : stopAll.signal;
    const values = new Set<string>();
    const warnings: string[] = [];
    try {
      await Promise.all(
        eps.map(async (ep) => {
          try {
            const r = await call(ep, this.callOpts(parent, opts?.timeoutMs));
            for (const v of r.values) values.add(v);
            warnings.push(...r.warnings);
          } catch (e) {
            const err = toStoreError(e);
            if (strategy === PartialResponseStrategy.ABORT || opts?.signal?.aborted) throw annotate(err, ep.client.name);
            this.log.warn("endpoint failed, returning partial response", { endpoint: ep.client.name, err: err.message });
            warnings.push(`${ep.client.name}: ${err.message}`);
          }
        }),
      );
    } finally {
      stopAll.abort();
    }
    return { values: [...values].sort(compareStrings), warnings };
  }
}

function annotate(err: StoreError, endpoint: string): StoreError {
  return err.message.startsWith(endpoint) ? err : new StoreError(err.code, `${endpoint}: ${err.message}`, { cause: err });
}

function limitList(xs: string[], n: bigint): string[] {
  return n > 0n ? xs.slice(0, Number(n)) : xs;
}

// For endpoints that ignore without_replica_labels: strip them, then re-sort. This needs the whole
// response in memory (Thanos does the same "eager" retrieval in this case).
async function* stripAndSort(source: AsyncIterable<SeriesResponse>, drop: Set<string>): AsyncIterable<SeriesResponse> {
  const all: SeriesResponse[] = [];
  for await (const r of source) {
    if (r.result.case === "series") {
      const s = r.result.value;
      s.labels = s.labels.filter((l) => !drop.has(l.name));
      all.push(r);
    } else if (r.result.case === "batch") {
      for (const s of r.result.value.series) {
        s.labels = s.labels.filter((l) => !drop.has(l.name));
        all.push(create(SeriesResponseSchema, { result: { case: "series", value: s } }));
      }
    } else {
      yield r;
    }
  }
  const series = (r: SeriesResponse): Series => r.result.value as Series;
  all.sort((a, b) => compareLabels(series(a).labels, series(b).labels));
  yield* all;
}
