// StoreAPI over local TSDBs (head + local 2h blocks), one per tenant, each with its own external
// labels (for receive: the --label flags plus tenant_id). Used by `aeon receive`; the ruler and
// the all-in-one can serve their TSDB the same way with a single "tenant".
import { create } from "@bufbuild/protobuf";
import { InfoResponseSchema, StoreInfoSchema, TSDBInfoSchema, type InfoResponse } from "../../gen/thanos/info/rpc_pb.ts";
import {
  LabelNamesResponseSchema,
  LabelValuesResponseSchema,
  SeriesResponseSchema,
  type LabelNamesRequest,
  type LabelValuesRequest,
  type SeriesRequest,
  type SeriesResponse,
} from "../../gen/thanos/store/rpc_pb.ts";
import { AggrChunkSchema, ChunkSchema, Chunk_Encoding, LabelSchema, SeriesSchema, ZLabelSetSchema } from "../../gen/thanos/store/types_pb.ts";
import { compareLabels, compareStrings, type Label, type Labels, type Matcher } from "../../labels/index.ts";
import type { LocalTSDB } from "../../tsdb/head/index.ts";
import { fillChunkHashes } from "../chunk-hash.ts";
import { invalidArgument, throwIfAborted } from "../errors.ts";
import { matchersFromProto } from "../matchers.ts";
import type { StoreCallOptions, StoreServer } from "../types.ts";
import { LocalBlocks } from "./blocks.ts";
import { selectTSDB, splitExternalMatchers, type SelectedSeries } from "./select.ts";

export interface TSDBTenant {
  name: string;
  db: LocalTSDB;
  externalLabels: Labels; // sorted by name
}

export interface TSDBStoreOptions {
  // The TSDBs to serve right now (tenants appear while the process runs).
  tenants: () => Iterable<TSDBTenant>;
  componentType?: string; // "receive", "rule", …
}

const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;

export class TSDBStore implements StoreServer {
  private readonly blocks = new Map<string, LocalBlocks>();

  constructor(private readonly opts: TSDBStoreOptions) {}

  private blocksOf(t: TSDBTenant): LocalBlocks {
    let b = this.blocks.get(t.db.dir);
    if (!b) this.blocks.set(t.db.dir, (b = new LocalBlocks()));
    return b;
  }

  async info(): Promise<InfoResponse> {
    const labelSets = [];
    const tsdbInfos = [];
    let min = MAX_INT64;
    for (const t of this.opts.tenants()) {
      const tmin = await this.minTime(t);
      if (tmin < min) min = tmin;
      const labels = t.externalLabels.map((l) => create(LabelSchema, l));
      labelSets.push(create(ZLabelSetSchema, { labels }));
      // The head keeps growing: like Thanos's receiver, advertise an open end so queriers never
      // skip this store for recent data between two Info refreshes.
      tsdbInfos.push(create(TSDBInfoSchema, { labels: create(ZLabelSetSchema, { labels }), minTime: tmin, maxTime: MAX_INT64 }));
    }
    // Without any tenant yet, data can arrive any moment: advertise everything.
    if (tsdbInfos.length === 0) min = MIN_INT64;
    return create(InfoResponseSchema, {
      labelSets,
      ComponentType: this.opts.componentType ?? "receive",
      store: create(StoreInfoSchema, { minTime: min, maxTime: MAX_INT64, supportsWithoutReplicaLabels: true, tsdbInfos }),
    });
  }

  private async minTime(t: TSDBTenant): Promise<bigint> {
    const blocks = await this.blocksOf(t).list(t.db).catch(() => []);
    let min = t.db.head.minTime;
    for (const b of blocks) if (b.meta.minTime < min) min = b.meta.minTime;
    return Number.isFinite(min) ? BigInt(min) : MAX_INT64;
  }

  async *series(req: SeriesRequest, opts?: StoreCallOptions): AsyncIterable<SeriesResponse> {
    if (req.minTime > req.maxTime) throw invalidArgument(`min_time ${req.minTime} > max_time ${req.maxTime}`);
    const ms = matchersFromProto(req.matchers);
    const drop = new Set(req.withoutReplicaLabels);
    const all = await this.select(ms, toMs(req.minTime), toMs(req.maxTime), !req.skipChunks, opts?.signal);
    const out = drop.size === 0 ? all : all.map((s) => ({ labels: s.labels.filter((l) => !drop.has(l.name)), chunks: s.chunks }));
    // Stripping labels can reorder the set (and several tenants are merged): keep it sorted.
    out.sort((a, b) => compareLabels(a.labels, b.labels));
    const limit = req.limit > 0n ? Number(req.limit) : Infinity;
    let n = 0;
    for (const s of out) {
      if (n++ >= limit) break;
      throwIfAborted(opts?.signal);
      const chunks = s.chunks.map((c) =>
        create(AggrChunkSchema, {
          minTime: BigInt(c.minTime),
          maxTime: BigInt(c.maxTime),
          raw: create(ChunkSchema, { type: Chunk_Encoding.XOR, data: c.data }),
        }),
      );
      fillChunkHashes(chunks); // one kernel call per series
      yield create(SeriesResponseSchema, {
        result: {
          case: "series",
          value: create(SeriesSchema, {
            labels: s.labels.map((l) => create(LabelSchema, { name: l.name, value: l.value })),
            chunks,
          }),
        },
      });
    }
  }

  async labelNames(req: LabelNamesRequest, opts?: StoreCallOptions) {
    const ms = matchersFromProto(req.matchers);
    const [mint, maxt] = labelRange(req.start, req.end);
    const names = new Set<string>();
    for (const s of await this.select(ms, mint, maxt, false, opts?.signal)) for (const l of s.labels) names.add(l.name);
    for (const n of req.withoutReplicaLabels) names.delete(n);
    return create(LabelNamesResponseSchema, { names: limited([...names].sort(compareStrings), req.limit) });
  }

  async labelValues(req: LabelValuesRequest, opts?: StoreCallOptions) {
    if (!req.label) throw invalidArgument("label name is required");
    if (req.withoutReplicaLabels.includes(req.label)) return create(LabelValuesResponseSchema, { values: [] });
    const ms = matchersFromProto(req.matchers);
    const [mint, maxt] = labelRange(req.start, req.end);
    const values = new Set<string>();
    for (const s of await this.select(ms, mint, maxt, false, opts?.signal)) {
      const v = s.labels.find((l) => l.name === req.label)?.value;
      if (v !== undefined && v !== "") values.add(v);
    }
    return create(LabelValuesResponseSchema, { values: limited([...values].sort(compareStrings), req.limit) });
  }

  // Series of every tenant whose external labels do not contradict the matchers.
  private async select(ms: Matcher[], mint: number, maxt: number, withChunks: boolean, signal?: AbortSignal): Promise<SelectedSeries[]> {
    const out: SelectedSeries[] = [];
    for (const t of this.opts.tenants()) {
      if (splitExternalMatchers(ms, t.externalLabels) === null) continue;
      const blocks = await this.blocksOf(t).list(t.db);
      out.push(...(await selectTSDB(t.db, blocks, t.externalLabels, ms, mint, maxt, withChunks, signal)));
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.blocks.values()].map((b) => b.close()));
    this.blocks.clear();
  }
}

// int64 ms to a JS number, clamped (requests often use ±MaxInt64 for "everything").
function toMs(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (v < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(v);
}

// Label requests with start = end = 0 mean "any time", as in Thanos.
function labelRange(start: bigint, end: bigint): [number, number] {
  if (start === 0n && end === 0n) return [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  return [toMs(start), toMs(end)];
}

function limited<T>(xs: T[], n: bigint): T[] {
  return n > 0n ? xs.slice(0, Number(n)) : xs;
}

