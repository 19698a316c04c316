// The sidecar's StoreAPI: Series becomes a streamed remote read against Prometheus whose XOR
// chunks are handed on byte for byte; label calls become Prometheus HTTP API calls. External
// labels are the sidecar's to handle: matchers on them are decided here and never sent (Prometheus
// would only rewrite equality matchers on them, and regexes would then match nothing), and every
// returned series carries them, overriding a stored label of the same name, as Thanos does.
import { create } from "@bufbuild/protobuf";
import { InfoResponseSchema, StoreInfoSchema, TSDBInfoSchema, type InfoResponse } from "../gen/thanos/info/rpc_pb.ts";
import type { ChunkedSeries } from "../gen/prometheus/types_pb.ts";
import { Chunk_Encoding as PromEncoding } from "../gen/prometheus/types_pb.ts";
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
} from "../gen/thanos/store/rpc_pb.ts";
import { AggrChunkSchema, Chunk_Encoding, ChunkSchema, LabelSchema, SeriesSchema, ZLabelSetSchema, type AggrChunk } from "../gen/thanos/store/types_pb.ts";
import { fillChunkHashes } from "../store/chunk-hash.ts";
import { compareLabels, compareStrings, Matcher, withExternalLabels, type Label } from "../labels/index.ts";
import { invalidArgument, StoreError, throwIfAborted, toStoreError } from "../store/errors.ts";
import { matchersFromProto } from "../store/matchers.ts";
import type { StoreCallOptions, StoreServer } from "../store/types.ts";
import { readChunkedFrames, ChunkedReadError } from "./chunked-reader.ts";
import type { PromMetadata } from "./metadata.ts";
import type { PrometheusClient, TimeRange } from "./prom-client.ts";

// prompb.Chunk numbers encodings from UNKNOWN=0; storepb from XOR=0. Thanos has no XOR2 etc.
const ENCODINGS: Partial<Record<PromEncoding, Chunk_Encoding>> = {
  [PromEncoding.XOR]: Chunk_Encoding.XOR,
  [PromEncoding.HISTOGRAM]: Chunk_Encoding.HISTOGRAM,
  [PromEncoding.FLOAT_HISTOGRAM]: Chunk_Encoding.FLOAT_HISTOGRAM,
};

interface OutSeries {
  labels: Label[];
  chunks: AggrChunk[];
}

export interface PrometheusStoreOptions {
  prom: PrometheusClient;
  metadata: PromMetadata;
}

export class PrometheusStore implements StoreServer {
  constructor(private readonly opts: PrometheusStoreOptions) {}

  async info(): Promise<InfoResponse> {
    const ext = this.opts.metadata.externalLabels();
    const { minTime, maxTime } = this.opts.metadata.timestamps();
    const set = create(ZLabelSetSchema, { labels: ext.map((l) => create(LabelSchema, l)) });
    return create(InfoResponseSchema, {
      labelSets: ext.length ? [set] : [],
      ComponentType: "sidecar",
      store: create(StoreInfoSchema, {
        minTime,
        maxTime,
        supportsWithoutReplicaLabels: true,
        tsdbInfos: [create(TSDBInfoSchema, { labels: set, minTime, maxTime })],
      }),
    });
  }

  async *series(req: SeriesRequest, opts?: StoreCallOptions): AsyncIterable<SeriesResponse> {
    if (req.minTime > req.maxTime) throw invalidArgument(`min_time ${req.minTime} > max_time ${req.maxTime}`);
    const ext = this.opts.metadata.externalLabels();
    const ms = stripExternalMatchers(matchersFromProto(req.matchers), ext);
    if (!ms) return;
    const range: TimeRange = { start: req.minTime, end: req.maxTime };
    const out = req.skipChunks ? await this.seriesLabelsOnly(ms, range, opts?.signal) : await this.seriesWithChunks(ms, range, opts?.signal);
    const drop = new Set(req.withoutReplicaLabels);
    for (const s of out) s.labels = finalLabels(s.labels, ext, drop);
    // Adding external labels and stripping replica labels can both reorder label sets, so the
    // whole answer is sorted once here (stable: equal sets keep Prometheus's order).
    out.sort((a, b) => compareLabels(a.labels, b.labels));
    const limit = req.limit > 0n ? Number(req.limit) : Infinity;
    let n = 0;
    for (const s of out) {
      if (n++ >= limit) break;
      throwIfAborted(opts?.signal);
      yield create(SeriesResponseSchema, {
        result: { case: "series", value: create(SeriesSchema, { labels: s.labels.map((l) => create(LabelSchema, l)), chunks: s.chunks }) },
      });
    }
  }

  // skip_chunks: the series API is much cheaper than reading chunks only to drop them.
  private async seriesLabelsOnly(ms: Matcher[], range: TimeRange, signal?: AbortSignal): Promise<OutSeries[]> {
    const sets = await this.opts.prom.series(ms, range, signal);
    return sets.map((rec) => ({ labels: Object.entries(rec).map(([name, value]) => ({ name, value })), chunks: [] }));
  }

  private async seriesWithChunks(ms: Matcher[], range: TimeRange, signal?: AbortSignal): Promise<OutSeries[]> {
    // An empty matcher list selects everything; Prometheus's TSDB reads `=~".*"` as "all postings".
    const sent = ms.length ? ms : [matchAll()];
    const resp = await this.opts.prom.remoteRead(sent, range, signal);
    const out: OutSeries[] = [];
    try {
      for await (const frame of readChunkedFrames(bodyPieces(resp))) {
        throwIfAborted(signal);
        for (const cs of frame.chunkedSeries) out.push(convertSeries(cs));
      }
    } catch (e) {
      if (e instanceof ChunkedReadError) throw new StoreError("Internal", `Prometheus remote read: ${e.message}`);
      if (e instanceof StoreError) throw e;
      const err = e as Error;
      if (err.name === "AbortError" || err.name === "TimeoutError") throw toStoreError(e);
      // The body broke off mid-stream (Prometheus stopped or the connection dropped).
      throw new StoreError("Unavailable", `Prometheus remote read: reading the response: ${err.message}`, { cause: e });
    }
    return out;
  }

  async labelNames(req: LabelNamesRequest, opts?: StoreCallOptions): Promise<LabelNamesResponse> {
    const ext = this.opts.metadata.externalLabels();
    const ms = stripExternalMatchers(matchersFromProto(req.matchers), ext);
    if (!ms) return create(LabelNamesResponseSchema, { names: [] });
    const names = new Set(await this.opts.prom.labelNames(ms, { start: req.start, end: req.end }, opts?.signal));
    // Prometheus knows nothing of its external labels in the TSDB; they belong to every series,
    // so they are names here whenever any series matched.
    if (names.size) for (const l of ext) names.add(l.name);
    for (const n of req.withoutReplicaLabels) names.delete(n);
    return create(LabelNamesResponseSchema, { names: limited([...names].sort(compareStrings), req.limit) });
  }

  async labelValues(req: LabelValuesRequest, opts?: StoreCallOptions): Promise<LabelValuesResponse> {
    if (!req.label) throw invalidArgument("label name is required");
    if (req.withoutReplicaLabels.includes(req.label)) return create(LabelValuesResponseSchema, { values: [] });
    const ext = this.opts.metadata.externalLabels();
    const ms = stripExternalMatchers(matchersFromProto(req.matchers), ext);
    if (!ms) return create(LabelValuesResponseSchema, { values: [] });
    const extValue = ext.find((l) => l.name === req.label)?.value;
    const range = { start: req.start, end: req.end };
    if (extValue !== undefined) {
      // The external value overrides every stored one; report it only if some series matches.
      const any = await this.opts.prom.labelNames(ms, range, opts?.signal);
      return create(LabelValuesResponseSchema, { values: any.length ? [extValue] : [] });
    }
    const values = await this.opts.prom.labelValues(req.label, ms, range, opts?.signal);
    return create(LabelValuesResponseSchema, { values: limited([...values].sort(compareStrings), req.limit) });
  }
}

// Matchers on external labels are decided against their values: one that fails means no series
// here can match (undefined); the others are dropped, the rest go to Prometheus.
export function stripExternalMatchers(ms: Matcher[], ext: readonly Label[]): Matcher[] | undefined {
  const rest: Matcher[] = [];
  for (const m of ms) {
    const v = ext.find((l) => l.name === m.name)?.value;
    if (v === undefined) rest.push(m);
    else if (!m.matches(v)) return undefined;
  }
  return rest;
}

// Series labels (in Prometheus's order, sorted here) with external labels set (overriding), then
// replica labels removed. Sorted.
export function finalLabels(ls: readonly Label[], ext: readonly Label[], drop: ReadonlySet<string>): Label[] {
  return withExternalLabels([...ls].sort((a, b) => compareStrings(a.name, b.name)), ext, drop);
}

function convertSeries(cs: ChunkedSeries): OutSeries {
  const chunks = cs.chunks.map((c) => {
    const type = ENCODINGS[c.type];
    if (type === undefined) throw new StoreError("Unimplemented", `Prometheus remote read returned chunk encoding ${PromEncoding[c.type] ?? c.type}, which the StoreAPI cannot carry`);
    return create(AggrChunkSchema, {
      minTime: c.minTimeMs,
      maxTime: c.maxTimeMs,
      raw: create(ChunkSchema, { type, data: c.data }),
    });
  });
  fillChunkHashes(chunks); // one kernel call per series
  return { labels: cs.labels.map((l) => ({ name: l.name, value: l.value })), chunks };
}

async function* bodyPieces(resp: Response): AsyncIterable<Uint8Array> {
  if (!resp.body) return;
  const reader = resp.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value?.length) yield value;
    }
  } finally {
    // Stops the download when the consumer gives up early (error, cancel, limit).
    await reader.cancel().catch(() => {});
  }
}

function matchAll(): Matcher {
  return new Matcher("=~", "__name__", ".*");
}

function limited<T>(xs: T[], n: bigint): T[] {
  return n > 0n ? xs.slice(0, Number(n)) : xs;
}
