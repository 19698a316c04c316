// `tools bucket upload DIR`: uploads a local Prometheus block folder, or every block folder in
// DIR, the Thanos way (chunks, index, meta.json last) with a thanos section carrying the
// external labels given by --label.
import { readdir, stat } from "node:fs/promises";
import type { Bucket } from "../../objstore/index.ts";
import { isUlid, uploadBlock } from "../../blockstore/index.ts";
import type { BlockMeta } from "../../tsdb/block/index.ts";

export class UploadInputError extends Error {}

// Thanos's --label form: name="value" (also accepts name=value).
export function parseLabelFlags(flags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of flags) {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)=(.*)$/s.exec(f);
    if (!m) throw new UploadInputError(`invalid --label ${JSON.stringify(f)}: want name="value"`);
    let v = m[2];
    if (v.startsWith('"')) {
      try {
        v = JSON.parse(v);
      } catch {
        throw new UploadInputError(`invalid --label ${JSON.stringify(f)}: bad quoted value`);
      }
      if (typeof v !== "string") throw new UploadInputError(`invalid --label ${JSON.stringify(f)}: value is not a string`);
    }
    if (m[1] in out) throw new UploadInputError(`--label ${m[1]} given twice`);
    out[m[1]] = v;
  }
  return out;
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isFile(), () => false);
}

// The block folders DIR stands for: itself when it holds meta.json, else its ULID-named
// sub-folders that hold one (sorted).
export async function blockDirsIn(dir: string): Promise<string[]> {
  const d = dir.replace(/\/+$/, "") || "/";
  if (await isFile(`${d}/meta.json`)) return [d];
  let entries;
  try {
    entries = await readdir(d, { withFileTypes: true });
  } catch (e) {
    throw new UploadInputError(`cannot read ${dir}: ${(e as Error).message}`);
  }
  const out: string[] = [];
  for (const e of entries) if (e.isDirectory() && isUlid(e.name) && (await isFile(`${d}/${e.name}/meta.json`))) out.push(`${d}/${e.name}`);
  if (!out.length) throw new UploadInputError(`${dir} is neither a block folder (no meta.json) nor a folder of block folders`);
  return out.sort();
}

export async function uploadBlocks(
  bucket: Bucket,
  dir: string,
  opts: { labels: Record<string, string>; source: string; onBlock?: (meta: BlockMeta, dir: string) => void },
): Promise<BlockMeta[]> {
  const metas: BlockMeta[] = [];
  for (const b of await blockDirsIn(dir)) {
    // No --label keeps the labels a block's own meta.json may already carry.
    const labels = Object.keys(opts.labels).length ? opts.labels : undefined;
    const meta = await uploadBlock(bucket, b, { labels, source: opts.source });
    opts.onBlock?.(meta, b);
    metas.push(meta);
  }
  return metas;
}
