// Downloading a block from the bucket into a local folder (compactor, `tools bucket` commands).
// meta.json is read first: a block without it is partial and is refused. Files are streamed to
// disk (never whole in memory), each to a temp name renamed into place, and meta.json is written
// last, so a local folder with meta.json is always complete.
import { mkdir, open, rename, rm } from "node:fs/promises";
import { iterAll, type Bucket } from "../objstore/index.ts";
import { parseMeta, type BlockMeta } from "../tsdb/block/meta.ts";
import { META_FILE } from "./files.ts";
import { MARKER_FILES } from "./markers.ts";

export class PartialBlockError extends Error {}

async function getMetaBytes(bucket: Bucket, id: string): Promise<Uint8Array> {
  try {
    return await bucket.get(`${id}/${META_FILE}`);
  } catch (e) {
    if (bucket.isObjNotFoundErr(e)) throw new PartialBlockError(`block ${id}: no ${META_FILE} in ${bucket.name} (partial upload or deleted)`);
    throw e;
  }
}

export async function readBlockMeta(bucket: Bucket, id: string): Promise<BlockMeta> {
  return parseMeta(new TextDecoder().decode(await getMetaBytes(bucket, id)), `block ${id}: ${META_FILE}`);
}

/** Downloads block `id` into `dst` (the block folder itself). Returns its meta. */
export async function downloadBlock(bucket: Bucket, id: string, dst: string): Promise<BlockMeta> {
  const metaBytes = await getMetaBytes(bucket, id);
  const meta = parseMeta(new TextDecoder().decode(metaBytes), `block ${id}: ${META_FILE}`);
  const expected = new Map((meta.thanos?.files ?? []).filter((f) => f.size_bytes !== undefined).map((f) => [f.rel_path, f.size_bytes!]));
  const skip = new Set<string>([META_FILE, ...MARKER_FILES]);
  await mkdir(dst, { recursive: true });
  for (const name of await iterAll(bucket, id, { recursive: true })) {
    const rel = name.slice(id.length + 1);
    if (skip.has(rel)) continue;
    const size = await streamToFile(bucket, name, `${dst}/${rel}`);
    const want = expected.get(rel);
    if (want !== undefined && want !== size) {
      throw new Error(`block ${id}: ${rel} is ${size} bytes in ${bucket.name}, meta.json says ${want}`);
    }
  }
  await writeAtomic(`${dst}/${META_FILE}`, async (fh) => {
    await fh.write(metaBytes); // the bucket's bytes as they are, unknown fields included
  });
  return meta;
}

async function streamToFile(bucket: Bucket, name: string, path: string): Promise<number> {
  await mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  let total = 0;
  await writeAtomic(path, async (fh) => {
    const stream = await bucket.getStream(name);
    for await (const piece of stream as unknown as AsyncIterable<Uint8Array>) {
      let off = 0;
      while (off < piece.length) off += (await fh.write(piece, off, piece.length - off)).bytesWritten;
      total += piece.length;
    }
  });
  return total;
}

async function writeAtomic(path: string, fill: (fh: Awaited<ReturnType<typeof open>>) => Promise<void>): Promise<void> {
  const tmp = `${path}.tmp-download`;
  const fh = await open(tmp, "w");
  try {
    try {
      await fill(fh);
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
