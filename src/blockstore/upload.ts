// Uploading a finished local block the way Thanos does, so that readers sharing the bucket never
// see half a block: chunk segments first, then the index, and meta.json LAST. Until meta.json
// lands the block folder is a "partial upload" that fetchers skip. The uploaded meta.json gets a
// `thanos` section (external labels, resolution, source, files with sizes).
import { fromFile, type Bucket } from "../objstore/index.ts";
import { parseMeta, stringifyMeta, type BlockMeta, type ThanosSource } from "../tsdb/block/meta.ts";
import { BlockDirError, listBlockFiles, META_FILE, thanosFiles } from "./files.ts";
import { isUlid } from "./ulid.ts";
import { readFile } from "node:fs/promises";

export interface UploadOptions {
  /** External labels for `thanos.labels`; default: those already in the local meta, or none. */
  labels?: Record<string, string>;
  /** `thanos.source`; default: the local meta's, else "bucket.upload". */
  source?: ThanosSource;
  /** `thanos.downsample.resolution` in ms; default: the local meta's, else 0 (raw). */
  resolution?: number;
  /** Also record SHA256 hashes of each file in `thanos.files` (Thanos's --hash-func). */
  hashFunc?: "SHA256";
  /** Refuse blocks whose resulting external labels are empty (Thanos's sidecar/receive rule). */
  requireExternalLabels?: boolean;
  /** Chunk segments uploaded at once (they are independent; the index waits for all). */
  concurrency?: number;
}

/** The block folder's last path segment must be the ULID in its meta.json, as Thanos requires. */
function blockIdFromDir(dir: string): string {
  return dir.replace(/\/+$/, "").split("/").pop() ?? "";
}

export async function uploadBlock(bucket: Bucket, dir: string, opts: UploadOptions = {}): Promise<BlockMeta> {
  const id = blockIdFromDir(dir);
  if (!isUlid(id)) throw new BlockDirError(`block dir ${dir}: folder name ${JSON.stringify(id)} is not a ULID`);
  let metaText: string;
  try {
    metaText = await readFile(`${dir}/${META_FILE}`, "utf8");
  } catch (e) {
    throw new BlockDirError(`block ${id}: cannot read ${META_FILE}: ${(e as Error).message}`);
  }
  const local = parseMeta(metaText, `block ${id}: ${META_FILE}`);
  if (local.ulid !== id) throw new BlockDirError(`block ${id}: ${META_FILE} has ulid ${local.ulid}, which does not match the folder name`);

  const files = await listBlockFiles(dir);
  const labels = opts.labels ?? local.thanos?.labels ?? {};
  if (opts.requireExternalLabels && Object.keys(labels).length === 0) {
    throw new BlockDirError(`block ${id}: empty external labels are not allowed for a Thanos block`);
  }
  const meta: BlockMeta = {
    ...local,
    thanos: {
      ...(local.thanos ?? {}),
      version: 1,
      labels: { ...labels },
      downsample: { resolution: opts.resolution ?? local.thanos?.downsample.resolution ?? 0 },
      source: opts.source ?? (local.thanos?.source || "bucket.upload"),
      files: await thanosFiles(files, opts.hashFunc),
    },
  };
  delete meta.thanos!.segment_files; // deprecated in Thanos; `files` replaces it

  const uploaded: string[] = [];
  try {
    const chunks = files.filter((f) => f.relPath !== "index");
    const width = Math.max(1, opts.concurrency ?? 2);
    for (let i = 0; i < chunks.length; i += width) {
      await Promise.all(
        chunks.slice(i, i + width).map(async (f) => {
          await bucket.upload(`${id}/${f.relPath}`, fromFile(f.absPath));
          uploaded.push(`${id}/${f.relPath}`);
        }),
      );
    }
    const index = files.find((f) => f.relPath === "index")!;
    await bucket.upload(`${id}/${index.relPath}`, fromFile(index.absPath));
    uploaded.push(`${id}/${index.relPath}`);
    await bucket.upload(`${id}/${META_FILE}`, stringifyMeta(meta));
  } catch (e) {
    // Best effort, like Thanos's cleanup: without meta.json what we uploaded is a partial block
    // anyway, and removing it saves the compactor's partial-upload cleaner the work.
    for (const name of uploaded.reverse()) await bucket.delete(name).catch(() => {});
    throw new Error(`upload block ${id} to ${bucket.name}: ${(e as Error).message}`, { cause: e });
  }
  return meta;
}
