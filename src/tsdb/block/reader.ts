// Reads a TSDB block through ByteSources: from a local directory (openBlockDir) or any other
// storage (BlockReader.open with sources, as the store gateway does over a bucket). Answers
// label names/values, postings for matchers, series with chunk metas, chunk bytes, and decoded
// samples. Every failure from damaged data is a CorruptionError naming block and file.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Matcher } from "../../labels/index.ts";
import { type ByteSource, FileByteSource } from "../bytesource/index.ts";
import { ChunkSegmentReader, type RawChunk } from "../chunks/index.ts";
import { CorruptionError } from "../errors.ts";
import { IndexReader, type IndexReaderOptions, type SeriesEntry } from "../index/index.ts";
import { decodeTombstones, type TombstoneMap } from "../tombstones/index.ts";
import { type BlockMeta, MetaError, parseMeta } from "./meta.ts";

export interface BlockSources {
  meta: string | BlockMeta; // meta.json text or parsed
  index: ByteSource;
  chunks: ByteSource[]; // segment files in order
  tombstones?: Uint8Array | null;
}

export type BlockReaderOptions = Pick<IndexReaderOptions, "inMemoryMaxBytes" | "cachePages">;

const SEGMENT_NAME = /^\d{6}$/;

export class BlockReader {
  private constructor(
    readonly meta: BlockMeta,
    readonly index: IndexReader,
    readonly chunkReader: ChunkSegmentReader,
    readonly tombstones: TombstoneMap,
  ) {}

  get ulid(): string {
    return this.meta.ulid;
  }

  static async open(src: BlockSources, opts: BlockReaderOptions = {}, name?: string): Promise<BlockReader> {
    let meta: BlockMeta;
    if (typeof src.meta === "string") {
      try {
        meta = parseMeta(src.meta, `block ${name ?? "?"}: meta.json`);
      } catch (e) {
        throw e instanceof MetaError ? new CorruptionError({ block: name, file: "meta.json" }, stripPrefix(e.message)) : e;
      }
    } else meta = src.meta;
    const block = meta.ulid;
    if (name && name !== block) {
      throw new CorruptionError({ block: name, file: "meta.json" }, `ulid ${block} does not match the block directory name`);
    }
    const index = await IndexReader.open(src.index, { ...opts, block });
    const chunkReader = await ChunkSegmentReader.open(src.chunks, block);
    const tombstones = src.tombstones ? decodeTombstones(src.tombstones, { block, file: "tombstones" }) : new Map();
    return new BlockReader(meta, index, chunkReader, tombstones);
  }

  labelNames(): string[] {
    return this.index.labelNames();
  }

  labelValues(name: string, matchers?: readonly Matcher[]): Promise<string[]> {
    return this.index.labelValues(name, matchers);
  }

  postings(matchers: readonly Matcher[]): Promise<Uint32Array> {
    return this.index.postings(matchers);
  }

  series(ref: number): Promise<SeriesEntry> {
    return this.index.series(ref);
  }

  seriesMany(refs: ArrayLike<number>): Promise<SeriesEntry[]> {
    return this.index.seriesMany(refs);
  }

  chunk(ref: number): Promise<RawChunk> {
    return this.chunkReader.chunk(ref);
  }

  chunks(refs: readonly number[]): Promise<RawChunk[]> {
    return this.chunkReader.chunks(refs);
  }

  // Series selected by the matchers with their chunk metas overlapping [mint, maxt] (inclusive),
  // in label order, fetched `batch` series at a time. Series with no chunk in range are skipped.
  async *select(matchers: readonly Matcher[], mint = -Infinity, maxt = Infinity, batch = 512): AsyncGenerator<SeriesEntry> {
    const refs = await this.postings(matchers);
    for (let i = 0; i < refs.length; i += batch) {
      const entries = await this.seriesMany(refs.subarray(i, i + batch));
      for (const e of entries) {
        const chunks = e.chunks.filter((c) => c.maxTime >= mint && c.minTime <= maxt);
        if (chunks.length > 0) yield { ref: e.ref, labels: e.labels, chunks };
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.index.close(), this.chunkReader.close()]);
  }
}

function stripPrefix(msg: string): string {
  const i = msg.indexOf("meta.json: ");
  return i >= 0 ? msg.slice(i + "meta.json: ".length) : msg;
}

// Opens the block in `dir` (its name must be the ULID in meta.json).
export async function openBlockDir(dir: string, opts: BlockReaderOptions = {}): Promise<BlockReader> {
  const name = dir.replace(/\/+$/, "").split("/").pop()!;
  let metaText: string;
  try {
    metaText = await readFile(join(dir, "meta.json"), "utf8");
  } catch (e) {
    throw new CorruptionError({ block: name, file: "meta.json" }, `cannot read: ${(e as Error).message}`);
  }
  let segNames: string[];
  try {
    segNames = (await readdir(join(dir, "chunks"))).filter((n) => SEGMENT_NAME.test(n)).sort();
  } catch (e) {
    throw new CorruptionError({ block: name, file: "chunks/" }, `cannot list: ${(e as Error).message}`);
  }
  segNames.forEach((n, i) => {
    if (Number(n) !== i + 1) throw new CorruptionError({ block: name, file: `chunks/${n}` }, `segment files not consecutive: expected ${String(i + 1).padStart(6, "0")}`);
  });
  const opened: ByteSource[] = [];
  try {
    const index = await FileByteSource.open(join(dir, "index")).catch((e) => {
      throw new CorruptionError({ block: name, file: "index" }, `cannot open: ${(e as Error).message}`);
    });
    opened.push(index);
    const chunks: ByteSource[] = [];
    for (const n of segNames) {
      const s = await FileByteSource.open(join(dir, "chunks", n));
      opened.push(s);
      chunks.push(s);
    }
    let tomb: Uint8Array | null = null;
    try {
      tomb = new Uint8Array(await readFile(join(dir, "tombstones")));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    return await BlockReader.open({ meta: metaText, index, chunks, tombstones: tomb }, opts, name);
  } catch (e) {
    await Promise.all(opened.map((s) => s.close?.()));
    throw e;
  }
}

