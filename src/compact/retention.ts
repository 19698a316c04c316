// Retention per resolution (Thanos ApplyRetentionPolicyByResolution): a block is marked for
// deletion once now - maxTime exceeds the retention of its resolution; 0 keeps it forever.
import type { FetchResult } from "../blockstore/index.ts";
import type { Logger } from "../observability/index.ts";
import { resolution, RES_1H, RES_5M, RES_RAW, type BlockMeta } from "../tsdb/index.ts";

export interface RetentionPolicy {
  raw: number;
  fiveMinutes: number;
  oneHour: number;
}

export function retentionFor(p: RetentionPolicy, res: number): number {
  if (res === RES_RAW) return p.raw;
  if (res === RES_5M) return p.fiveMinutes;
  if (res === RES_1H) return p.oneHour;
  return 0;
}

export function expiredBlocks(metas: Iterable<BlockMeta>, p: RetentionPolicy, nowMs: number): BlockMeta[] {
  const out: BlockMeta[] = [];
  for (const m of metas) {
    const r = retentionFor(p, resolution(m));
    if (r > 0 && nowMs - m.maxTime > r) out.push(m);
  }
  return out;
}

export async function applyRetention(
  o: { logger: Logger; retention: RetentionPolicy },
  synced: FetchResult,
  nowMs: number,
  mark: (id: string, details: string) => Promise<void>,
): Promise<number> {
  const expired = expiredBlocks(synced.metas.values(), o.retention, nowMs);
  for (const m of expired) {
    o.logger.info("applying retention: marking block for deletion", { block: m.ulid, maxTime: new Date(m.maxTime).toISOString(), resolution: resolution(m) });
    await mark(m.ulid, "block exceeding retention");
  }
  return expired.length;
}
