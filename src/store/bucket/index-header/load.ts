// Opens a block's IndexReader with its tables served from the local index-header file,
// building the file from the bucket first when it is missing, and rebuilding it once when it is
// unreadable (torn by a crash, damaged on disk) or belongs to a different index. A freshly
// built copy that fails its checks means the index object itself is damaged: that is reported
// as a CorruptionError of the block's index, and the copy is removed.
// ensureIndexHeader does the first half only (for lazily loaded readers): the file is there,
// framed right and made for this index, but its tables are not sampled.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ByteSource } from "../../../tsdb/bytesource/index.ts";
import { CorruptionError } from "../../../tsdb/errors.ts";
import { IndexReader, readIndexTOC, type IndexReaderOptions } from "../../../tsdb/index/index.ts";
import { INDEX_HEADER_FILENAME } from "./format.ts";
import { IndexHeaderError, openIndexHeader, type IndexHeaderFile } from "./open.ts";
import { writeIndexHeader } from "./write.ts";

export interface IndexHeaderLoad {
  reader: IndexReader;
  // How the header was obtained: reused from disk, built (none there), or rebuilt (bad one there).
  origin: "reused" | "built" | "rebuilt";
  rebuildReason?: string;
}

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException)?.code === "ENOENT";

function builder(index: ByteSource, blockDir: string, block: string, path: string): () => Promise<IndexHeaderFile> {
  return async () => {
    await mkdir(blockDir, { recursive: true });
    await writeIndexHeader(index, path, { block, file: "index" });
    return openIndexHeader(path);
  };
}

// Builds the file when missing, rebuilds it when its frame is bad or it was made for another
// index (TOC compared with the index's); the table CRCs are left to the reader's load.
export async function ensureIndexHeader(index: ByteSource, blockDir: string, block: string): Promise<Omit<IndexHeaderLoad, "reader">> {
  const path = join(blockDir, INDEX_HEADER_FILENAME);
  const build = builder(index, blockDir, block, path);
  const { toc, version } = await readIndexTOC(index, { block, file: "index" });
  let hdr: IndexHeaderFile;
  try {
    hdr = await openIndexHeader(path);
  } catch (e) {
    if (!isMissing(e) && !(e instanceof IndexHeaderError)) throw e;
    await (await build()).src.close();
    return isMissing(e) ? { origin: "built" } : { origin: "rebuilt", rebuildReason: (e as Error).message };
  }
  await hdr.src.close();
  if (hdr.indexPostingsTable === toc.postingsTable && hdr.indexVersion === version) return { origin: "reused" };
  await rm(path, { force: true });
  await (await build()).src.close();
  return { origin: "rebuilt", rebuildReason: `${path}: made for another index (postings offset table at ${hdr.indexPostingsTable}, index version ${hdr.indexVersion}; the index has ${toc.postingsTable}, ${version})` };
}

export async function loadIndexReader(index: ByteSource, blockDir: string, block: string, opts: IndexReaderOptions = {}): Promise<IndexHeaderLoad> {
  const path = join(blockDir, INDEX_HEADER_FILENAME);
  const build = builder(index, blockDir, block, path);
  let origin: IndexHeaderLoad["origin"] = "reused";
  let rebuildReason: string | undefined;
  let hdr: IndexHeaderFile;
  try {
    hdr = await openIndexHeader(path);
  } catch (e) {
    if (!isMissing(e) && !(e instanceof IndexHeaderError)) throw e;
    if (!isMissing(e)) {
      origin = "rebuilt";
      rebuildReason = (e as Error).message;
    } else origin = "built";
    hdr = await build();
  }
  for (;;) {
    try {
      const reader = await IndexReader.open(index, { ...opts, block, sections: hdr });
      if (reader.toc.postingsTable !== hdr.indexPostingsTable || reader.version !== hdr.indexVersion) {
        throw new IndexHeaderError(path, `made for another index (postings offset table at ${hdr.indexPostingsTable}, index version ${hdr.indexVersion}; the index has ${reader.toc.postingsTable}, ${reader.version})`);
      }
      return { reader, origin, rebuildReason };
    } catch (e) {
      // Only the header file is closed: the index source is reused by the retry.
      await hdr.src.close();
      const headerAtFault = e instanceof IndexHeaderError || (e instanceof CorruptionError && e.file === INDEX_HEADER_FILENAME);
      if (!headerAtFault) throw e;
      if (origin === "reused") {
        origin = "rebuilt";
        rebuildReason = (e as Error).message;
        await rm(path, { force: true });
        hdr = await build();
        continue;
      }
      // A fresh byte-for-byte copy failed its CRCs: the tables in the index are damaged.
      await rm(path, { force: true });
      const detail = e instanceof CorruptionError ? e.detail : (e as Error).message;
      throw new CorruptionError({ block, file: "index" }, `${detail} (checked in the index-header copy of the index's tables)`);
    }
  }
}
