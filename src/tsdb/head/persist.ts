// Writes a range of the head as a block with the shared block writer (src/tsdb/block), then
// fsyncs every file of it: the WAL segments covering that range are deleted right after, so
// the block must be on disk before that, not just in the page cache.
import { open, readdir } from "node:fs/promises";
import { join } from "node:path";
import { BlockWriter } from "../block/writer.ts";
import type { ThanosMeta } from "../block/meta.ts";
import { ChunkEncoding } from "../chunks/index.ts";
import type { BlockWriterFn } from "./db.ts";

export function headBlockWriter(thanos?: () => ThanosMeta): BlockWriterFn {
  return async (parentDir, mint, maxt, series) => {
    const w = await BlockWriter.create(parentDir, { minTime: mint, maxTime: maxt, thanos: thanos?.() });
    try {
      for (const s of series) {
        await w.addSeries(
          s.labels,
          s.chunks.map((c) => ({ encoding: ChunkEncoding.XOR, data: c.data, minTime: c.mint, maxTime: c.maxt })),
        );
      }
    } catch (e) {
      await w.abort();
      throw e;
    }
    const { dir, meta } = await w.finish();
    await fsyncTree(dir);
    await fsyncPath(parentDir);
    return meta.ulid;
  };
}

async function fsyncTree(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await fsyncTree(p);
    else await fsyncPath(p);
  }
  await fsyncPath(dir);
}

async function fsyncPath(p: string): Promise<void> {
  const fh = await open(p, "r");
  try {
    await fh.sync();
  } catch {
    // directories cannot be fsynced on every platform/runtime; files always can
  } finally {
    await fh.close();
  }
}
