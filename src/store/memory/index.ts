// An in-memory StoreServer over a fixed list of series with opaque chunks. Real semantics
// (matchers, time overlap of chunks, skip_chunks, without_replica_labels, external labels, label
// APIs), used by tests of the gRPC layer and the proxy, and handy for other components' tests.
import { create } from "@bufbuild/protobuf";
import { InfoResponseSchema, StoreInfoSchema, type InfoResponse } from "../../gen/thanos/info/rpc_pb.ts";
import {
  LabelNamesResponseSchema,
  LabelValuesResponseSchema,
  SeriesResponseSchema,
  type LabelNamesRequest,
  type LabelValuesRequest,
  type SeriesRequest,
  type SeriesResponse,
} from "../../gen/thanos/store/rpc_pb.ts";
import { LabelSchema, SeriesSchema, ZLabelSetSchema, type AggrChunk } from "../../gen/thanos/store/types_pb.ts";
import { compareLabels, compareStrings, type Label, type Labels, sortLabels } from "../../labels/index.ts";
import { invalidArgument, throwIfAborted } from "../errors.ts";
import { matchersFromProto } from "../matchers.ts";
import type { StoreCallOptions, StoreServer } from "../types.ts";

export interface MemorySeries {
  labels: Labels; // without external labels
  chunks: AggrChunk[];
}

export interface MemoryStoreOptions {
  series: MemorySeries[];
  externalLabels?: Labels;
  componentType?: string;
  // Lets tests inject faults and delays (called before each Series response).
  beforeSend?: (signal: AbortSignal | undefined) => Promise<void> | void;
}

export class MemoryStore implements StoreServer {
  private readonly data: { labels: Label[]; chunks: AggrChunk[] }[];
  private readonly ext: Labels;
  constructor(private readonly opts: MemoryStoreOptions) {
    this.ext = opts.externalLabels ?? [];
    // External labels override series labels of the same name, as in Thanos. Chunks are served
    // sorted by min_time, as StoreAPI clients expect.
    this.data = opts.series
      .map((s) => ({ labels: withExternal(s.labels, this.ext), chunks: [...s.chunks].sort((a, b) => (a.minTime < b.minTime ? -1 : a.minTime > b.minTime ? 1 : 0)) }))
      .sort((a, b) => compareLabels(a.labels, b.labels));
  }

  async info(): Promise<InfoResponse> {
    let min = BigInt(Number.MAX_SAFE_INTEGER);
    let max = BigInt(Number.MIN_SAFE_INTEGER);
    for (const s of this.data)
      for (const c of s.chunks) {
        if (c.minTime < min) min = c.minTime;
        if (c.maxTime > max) max = c.maxTime;
      }
    return create(InfoResponseSchema, {
      labelSets: this.ext.length ? [create(ZLabelSetSchema, { labels: this.ext.map((l) => create(LabelSchema, l)) })] : [],
      ComponentType: this.opts.componentType ?? "store",
      store: create(StoreInfoSchema, { minTime: min, maxTime: max, supportsWithoutReplicaLabels: true }),
    });
  }

  async *series(req: SeriesRequest, opts?: StoreCallOptions): AsyncIterable<SeriesResponse> {
    if (req.minTime > req.maxTime) throw invalidArgument(`min_time ${req.minTime} > max_time ${req.maxTime}`);
    const ms = matchersFromProto(req.matchers);
    const drop = new Set(req.withoutReplicaLabels);
    const out: { labels: Label[]; chunks: AggrChunk[] }[] = [];
    for (const s of this.data) {
      if (!ms.every((m) => m.matches(s.labels.find((l) => l.name === m.name)?.value ?? ""))) continue;
      const chunks = s.chunks.filter((c) => c.maxTime >= req.minTime && c.minTime <= req.maxTime);
      if (chunks.length === 0) continue;
      out.push({ labels: drop.size ? s.labels.filter((l) => !drop.has(l.name)) : s.labels, chunks: req.skipChunks ? [] : chunks });
    }
    // Stripping labels can reorder the set; the stream must stay sorted.
    if (drop.size) out.sort((a, b) => compareLabels(a.labels, b.labels));
    let n = 0;
    for (const s of out) {
      if (req.limit > 0n && n++ >= Number(req.limit)) break;
      await this.opts.beforeSend?.(opts?.signal);
      throwIfAborted(opts?.signal);
      yield create(SeriesResponseSchema, {
        result: { case: "series", value: create(SeriesSchema, { labels: s.labels.map((l) => create(LabelSchema, l)), chunks: s.chunks }) },
      });
    }
  }

  async labelNames(req: LabelNamesRequest) {
    const ms = matchersFromProto(req.matchers);
    const names = new Set<string>();
    for (const s of this.select(ms, req.start, req.end)) for (const l of s.labels) names.add(l.name);
    for (const n of req.withoutReplicaLabels) names.delete(n);
    return create(LabelNamesResponseSchema, { names: limit([...names].sort(compareStrings), req.limit) });
  }

  async labelValues(req: LabelValuesRequest) {
    if (!req.label) throw invalidArgument("label name is required");
    const ms = matchersFromProto(req.matchers);
    const values = new Set<string>();
    for (const s of this.select(ms, req.start, req.end)) {
      const v = s.labels.find((l) => l.name === req.label)?.value;
      if (v !== undefined) values.add(v);
    }
    return create(LabelValuesResponseSchema, { values: limit([...values].sort(compareStrings), req.limit) });
  }

  private select(ms: ReturnType<typeof matchersFromProto>, start: bigint, end: bigint) {
    return this.data.filter(
      (s) =>
        ms.every((m) => m.matches(s.labels.find((l) => l.name === m.name)?.value ?? "")) &&
        (start === 0n && end === 0n ? true : s.chunks.some((c) => c.maxTime >= start && c.minTime <= end)),
    );
  }
}

function withExternal(ls: Labels, ext: Labels): Label[] {
  const m = new Map(ls.map((l) => [l.name, l.value]));
  for (const l of ext) m.set(l.name, l.value);
  return sortLabels([...m].map(([name, value]) => ({ name, value })));
}

function limit<T>(xs: T[], n: bigint): T[] {
  return n > 0n ? xs.slice(0, Number(n)) : xs;
}
