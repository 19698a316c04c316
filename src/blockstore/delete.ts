// Removing a block from the bucket, in Thanos's order: meta.json first (from then on the block
// reads as a partial upload, never as a whole block with missing files), then every other file,
// and deletion-mark.json last (so an interrupted delete is still recognised as marked and is
// finished by the next run). Callers are expected to have marked the block and waited
// `--delete-delay`; this function does not check.
import { iterAll, type Bucket } from "../objstore/index.ts";
import { META_FILE } from "./files.ts";
import { DELETION_MARK } from "./markers.ts";

export async function deleteBlock(bucket: Bucket, id: string): Promise<void> {
  const metaName = `${id}/${META_FILE}`;
  const markName = `${id}/${DELETION_MARK}`;
  await bucket.delete(metaName);
  for (const name of await iterAll(bucket, id, { recursive: true })) {
    if (name === metaName || name === markName) continue;
    await bucket.delete(name);
  }
  await bucket.delete(markName);
}
