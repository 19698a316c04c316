// Thanos's marker files, in the JSON shape Thanos writes (field order as its Go structs):
//   <ULID>/deletion-mark.json      {id, version:1, details?, deletion_time}        unix seconds
//   <ULID>/no-compact-mark.json    {id, version:1, details?, no_compact_time, reason}
//   <ULID>/no-downsample-mark.json {id, version:1, details?, no_downsample_time, reason}
// Marking is idempotent as in Thanos: an existing mark is left untouched (its time matters:
// deletion happens `--delete-delay` after the FIRST mark).
import type { Bucket } from "../objstore/index.ts";

export const DELETION_MARK = "deletion-mark.json";
export const NO_COMPACT_MARK = "no-compact-mark.json";
export const NO_DOWNSAMPLE_MARK = "no-downsample-mark.json";
export const MARKER_FILES = [DELETION_MARK, NO_COMPACT_MARK, NO_DOWNSAMPLE_MARK] as const;

export type NoCompactReason = "manual" | "index-size-exceeding" | "block-index-out-of-order-chunk" | "downsample-vertical-compaction" | string;

export interface DeletionMark {
  id: string;
  version: 1;
  details?: string;
  deletion_time: number;
}

export interface NoCompactMark {
  id: string;
  version: 1;
  details?: string;
  no_compact_time: number;
  reason: NoCompactReason;
}

export interface NoDownsampleMark {
  id: string;
  version: 1;
  details?: string;
  no_downsample_time: number;
  reason: string;
}

export class MarkerError extends Error {}

const nowSeconds = (nowMs: number) => Math.floor(nowMs / 1000);
const utf8 = new TextEncoder();

export function deletionMarkJson(id: string, details = "", nowMs = Date.now()): string {
  return JSON.stringify({ id, version: 1, ...(details ? { details } : {}), deletion_time: nowSeconds(nowMs) });
}

export function noCompactMarkJson(id: string, reason: NoCompactReason, details = "", nowMs = Date.now()): string {
  return JSON.stringify({ id, version: 1, ...(details ? { details } : {}), no_compact_time: nowSeconds(nowMs), reason });
}

export function noDownsampleMarkJson(id: string, reason: string, details = "", nowMs = Date.now()): string {
  return JSON.stringify({ id, version: 1, ...(details ? { details } : {}), no_downsample_time: nowSeconds(nowMs), reason });
}

async function uploadMarkIfMissing(bucket: Bucket, id: string, file: string, json: string): Promise<boolean> {
  const name = `${id}/${file}`;
  if (await bucket.exists(name)) return false;
  await bucket.upload(name, utf8.encode(json));
  return true;
}

/** Uploads `<id>/deletion-mark.json` unless present; true when this call created it. */
export function markForDeletion(bucket: Bucket, id: string, details = "", nowMs = Date.now()): Promise<boolean> {
  return uploadMarkIfMissing(bucket, id, DELETION_MARK, deletionMarkJson(id, details, nowMs));
}

export function markNoCompact(bucket: Bucket, id: string, reason: NoCompactReason = "manual", details = "", nowMs = Date.now()): Promise<boolean> {
  return uploadMarkIfMissing(bucket, id, NO_COMPACT_MARK, noCompactMarkJson(id, reason, details, nowMs));
}

export function markNoDownsample(bucket: Bucket, id: string, reason = "manual", details = "", nowMs = Date.now()): Promise<boolean> {
  return uploadMarkIfMissing(bucket, id, NO_DOWNSAMPLE_MARK, noDownsampleMarkJson(id, reason, details, nowMs));
}

/** Removes a marker (e.g. `tools bucket mark --remove`); a missing marker is fine. */
export function unmark(bucket: Bucket, id: string, file: (typeof MARKER_FILES)[number]): Promise<void> {
  return bucket.delete(`${id}/${file}`);
}

// Reading: a missing marker is `undefined`; a marker that is not valid JSON, has the wrong
// version or another block's id is a MarkerError naming the file (Thanos treats those as
// errors too, not as "no mark").
async function readMark<T extends { id: string; version: number }>(bucket: Bucket, id: string, file: string, timeField: string): Promise<T | undefined> {
  const name = `${id}/${file}`;
  let bytes: Uint8Array;
  try {
    bytes = await bucket.get(name);
  } catch (e) {
    if (bucket.isObjNotFoundErr(e)) return undefined;
    throw e;
  }
  let m: T;
  try {
    m = JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (e) {
    throw new MarkerError(`${name}: unmarshal marker JSON: ${(e as Error).message}`);
  }
  if (!m || typeof m !== "object") throw new MarkerError(`${name}: not a JSON object`);
  if (m.version !== 1) throw new MarkerError(`${name}: unexpected marker version ${String(m.version)}, expected 1`);
  if (m.id !== id) throw new MarkerError(`${name}: marker is for block ${JSON.stringify(m.id)}, not ${id}`);
  if (typeof (m as Record<string, unknown>)[timeField] !== "number") throw new MarkerError(`${name}: missing ${timeField}`);
  return m;
}

export const readDeletionMark = (bucket: Bucket, id: string) => readMark<DeletionMark>(bucket, id, DELETION_MARK, "deletion_time");
export const readNoCompactMark = (bucket: Bucket, id: string) => readMark<NoCompactMark>(bucket, id, NO_COMPACT_MARK, "no_compact_time");
export const readNoDownsampleMark = (bucket: Bucket, id: string) => readMark<NoDownsampleMark>(bucket, id, NO_DOWNSAMPLE_MARK, "no_downsample_time");
