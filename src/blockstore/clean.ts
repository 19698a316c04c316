// The compactor's clean-up of aborted uploads: a block folder that has had no (readable)
// meta.json for longer than PartialUploadThresholdAge (2 days, judged by the ULID time) will
// never complete, so it is marked for deletion and deleted. Younger partials are left alone:
// their upload may still be running.
import type { Bucket } from "../objstore/index.ts";
import { deleteBlock } from "./delete.ts";
import type { PartialBlock } from "./fetcher.ts";
import { markForDeletion } from "./markers.ts";

export const PARTIAL_UPLOAD_THRESHOLD_AGE_MS = 2 * 24 * 3600_000;

/** Deletes the partial blocks older than the threshold; returns the IDs it deleted. */
export async function cleanAbortedPartialUploads(
  bucket: Bucket,
  partial: Map<string, PartialBlock>,
  thresholdMs = PARTIAL_UPLOAD_THRESHOLD_AGE_MS,
): Promise<string[]> {
  const deleted: string[] = [];
  for (const p of [...partial.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (p.ageMs <= thresholdMs) continue;
    await markForDeletion(bucket, p.id, "source of partial upload");
    await deleteBlock(bucket, p.id);
    deleted.push(p.id);
  }
  return deleted;
}
