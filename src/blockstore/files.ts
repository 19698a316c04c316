// The files of a local block directory that belong in the bucket, in Thanos's upload order:
// chunk segments (chunks/000001, ...), then index; meta.json is handled apart because it goes
// last. Tombstones and anything else in the folder stay local, as with Thanos's uploader.
import { createHash } from "node:crypto";
import { open, readdir, stat } from "node:fs/promises";
import type { ThanosFile } from "../tsdb/block/meta.ts";

export const META_FILE = "meta.json";
export const INDEX_FILE = "index";
export const CHUNKS_DIR = "chunks";

export interface LocalBlockFile {
  relPath: string; // "chunks/000001", "index"
  absPath: string;
  size: number;
}

export class BlockDirError extends Error {}

export async function listBlockFiles(dir: string): Promise<LocalBlockFile[]> {
  let chunkNames: string[];
  try {
    chunkNames = (await readdir(`${dir}/${CHUNKS_DIR}`, { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name).sort();
  } catch (e) {
    throw new BlockDirError(`block ${dir}: cannot read ${CHUNKS_DIR}/: ${(e as Error).message}`);
  }
  const out: LocalBlockFile[] = [];
  for (const n of chunkNames) {
    const abs = `${dir}/${CHUNKS_DIR}/${n}`;
    out.push({ relPath: `${CHUNKS_DIR}/${n}`, absPath: abs, size: (await stat(abs)).size });
  }
  const idx = `${dir}/${INDEX_FILE}`;
  let idxSize: number;
  try {
    idxSize = (await stat(idx)).size;
  } catch (e) {
    throw new BlockDirError(`block ${dir}: missing ${INDEX_FILE}: ${(e as Error).message}`);
  }
  out.push({ relPath: INDEX_FILE, absPath: idx, size: idxSize });
  return out;
}

/** Thanos's `thanos.files`: every uploaded file with its size, plus meta.json without one. */
export async function thanosFiles(files: LocalBlockFile[], hashFunc?: "SHA256"): Promise<ThanosFile[]> {
  const out: ThanosFile[] = [];
  for (const f of files) {
    const entry: ThanosFile = { rel_path: f.relPath, size_bytes: f.size };
    if (hashFunc === "SHA256") entry.hash = { hashFunc: "SHA256", value: await sha256File(f.absPath) };
    out.push(entry);
  }
  out.push({ rel_path: META_FILE });
  return out;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  const fh = await open(path, "r");
  try {
    const buf = new Uint8Array(1 << 20);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return h.digest("hex");
}
