// MetaFetcher: what every bucket reader (store gateway, compactor, tools) asks first — which
// blocks are in the bucket? It lists the top-level ULID folders, reads each meta.json (cached:
// a block's meta.json never changes once uploaded), reads the marker files, and applies
// Thanos's filters:
// - no meta.json                  => partial upload: invisible, reported with its age (from the
//                                    ULID time; the compactor deletes partials older than 2 days)
// - unreadable meta.json          => partial too, with the reason (Thanos: "corrupted")
// - deletion-mark.json older than ignoreDeletionMarksDelayMs => filtered out
// - younger than consistencyDelayMs (ULID time), unless written by the compactor or a repair
//                                 => filtered out (it may still be settling in the bucket)
// - any extra filter the caller passes.
import type { Bucket } from "../objstore/index.ts";
import { MetaError, parseMeta, type BlockMeta } from "../tsdb/block/meta.ts";
import { META_FILE } from "./files.ts";
import { MarkerError, readDeletionMark, readNoCompactMark, type DeletionMark, type NoCompactMark } from "./markers.ts";
import { isUlid, ulidTime } from "./ulid.ts";

export interface PartialBlock {
  id: string;
  /** now - ULID time. */
  ageMs: number;
  reason: string;
}

export interface FetchResult {
  /** Visible blocks after all filters, by ULID. */
  metas: Map<string, BlockMeta>;
  partial: Map<string, PartialBlock>;
  /** Blocks removed by a filter, with the reason. */
  filtered: Map<string, string>;
  deletionMarks: Map<string, DeletionMark>;
  noCompactMarks: Map<string, NoCompactMark>;
  /** Marker files that exist but could not be read; the block stays visible (as in Thanos). */
  markerErrors: Map<string, string>;
}

/** Returns a reason to hide the block, or undefined to keep it. */
export type MetaFilter = (meta: BlockMeta, marks: { deletion?: DeletionMark; noCompact?: NoCompactMark }) => string | undefined;

export interface MetaFetcherOptions {
  /** Hide blocks whose deletion mark is older than this (Thanos store: 24h). Unset: never hide. */
  ignoreDeletionMarksDelayMs?: number;
  /** Hide blocks younger than this by ULID time (Thanos: --consistency-delay, 30m for compact). */
  consistencyDelayMs?: number;
  filters?: MetaFilter[];
  /** Parallel object reads (meta.json + markers per block). */
  concurrency?: number;
  now?: () => number;
}

// Blocks these sources write are complete on arrival; Thanos's consistency delay skips them.
const TRUSTED_SOURCES = new Set(["compactor", "compactor.repair", "bucket.repair"]);

export class MetaFetcher {
  private readonly cache = new Map<string, BlockMeta>();

  constructor(
    private readonly bucket: Bucket,
    private readonly opts: MetaFetcherOptions = {},
  ) {}

  async fetch(): Promise<FetchResult> {
    const now = this.opts.now ?? Date.now;
    const ids: string[] = [];
    for await (const name of this.bucket.iter("")) {
      if (name.endsWith("/") && isUlid(name.slice(0, -1))) ids.push(name.slice(0, -1));
    }
    const result: FetchResult = {
      metas: new Map(),
      partial: new Map(),
      filtered: new Map(),
      deletionMarks: new Map(),
      noCompactMarks: new Map(),
      markerErrors: new Map(),
    };
    const seen = new Set(ids);
    for (const id of this.cache.keys()) if (!seen.has(id)) this.cache.delete(id);

    await forEachLimited(ids, this.opts.concurrency ?? 16, async (id) => {
      const meta = await this.loadMeta(id, result, now());
      if (!meta) return;
      const deletion = await this.readMarker(id, "deletion", () => readDeletionMark(this.bucket, id), result);
      const noCompact = await this.readMarker(id, "no-compact", () => readNoCompactMark(this.bucket, id), result);
      if (deletion) result.deletionMarks.set(id, deletion);
      if (noCompact) result.noCompactMarks.set(id, noCompact);
      const reason = this.filterReason(meta, deletion, noCompact, now());
      if (reason) result.filtered.set(id, reason);
      else result.metas.set(id, meta);
    });
    // Deterministic order for callers that print or plan: by ULID (= by creation time).
    result.metas = new Map([...result.metas].sort(([a], [b]) => (a < b ? -1 : 1)));
    return result;
  }

  private async loadMeta(id: string, result: FetchResult, nowMs: number): Promise<BlockMeta | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const partial = (reason: string) => {
      result.partial.set(id, { id, ageMs: nowMs - ulidTime(id), reason });
      return undefined;
    };
    let bytes: Uint8Array;
    try {
      bytes = await this.bucket.get(`${id}/${META_FILE}`);
    } catch (e) {
      if (this.bucket.isObjNotFoundErr(e)) return partial(`no ${META_FILE}`);
      throw e;
    }
    let meta: BlockMeta;
    try {
      meta = parseMeta(new TextDecoder().decode(bytes), `block ${id}: ${META_FILE}`);
    } catch (e) {
      if (e instanceof MetaError) return partial(`corrupted ${META_FILE}: ${e.message}`);
      throw e;
    }
    if (meta.ulid !== id) return partial(`corrupted ${META_FILE}: ulid ${meta.ulid} does not match the folder name`);
    this.cache.set(id, meta);
    return meta;
  }

  private async readMarker<T>(id: string, kind: string, read: () => Promise<T | undefined>, result: FetchResult): Promise<T | undefined> {
    try {
      return await read();
    } catch (e) {
      if (e instanceof MarkerError) {
        result.markerErrors.set(`${id}/${kind}`, e.message);
        return undefined;
      }
      throw e;
    }
  }

  private filterReason(meta: BlockMeta, deletion: DeletionMark | undefined, noCompact: NoCompactMark | undefined, nowMs: number): string | undefined {
    const delay = this.opts.ignoreDeletionMarksDelayMs;
    if (deletion && delay !== undefined && nowMs - deletion.deletion_time * 1000 > delay) {
      return `marked for deletion at ${new Date(deletion.deletion_time * 1000).toISOString()}`;
    }
    const cd = this.opts.consistencyDelayMs;
    if (cd !== undefined && cd > 0 && nowMs - ulidTime(meta.ulid) < cd && !TRUSTED_SOURCES.has(meta.thanos?.source ?? "")) {
      return "younger than the consistency delay";
    }
    for (const f of this.opts.filters ?? []) {
      const r = f(meta, { deletion, noCompact });
      if (r) return r;
    }
    return undefined;
  }
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}
