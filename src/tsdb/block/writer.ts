// Writes a TSDB block directory (chunks/, index, tombstones, meta.json) from series given in
// label-set order, streaming: chunks go to the segment files as series arrive, and each
// series' labels + chunk metas are spilled to a temp file (two-pass design: the index needs
// every symbol before its first series entry). finish() writes the symbol table from the
// collected symbol set, replays the spill into the index, and renames
// `<ULID>.tmp-for-creation` to `<ULID>` so a reader never sees a half-written block.
// Memory: the set of distinct label strings plus ~12 bytes per label pair for the postings;
// never samples or chunks.
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { compareLabels, compareStrings, type Labels } from "../../labels/index.ts";
import { xorEncode, xorSampleCount } from "../../kernels/index.ts";
import { ChunkEncoding, ChunkSegmentWriter, DEFAULT_SEGMENT_SIZE } from "../chunks/index.ts";
import { IndexWriter, type ChunkMeta } from "../index/index.ts";
import { encodeTombstones, type Tombstone } from "../tombstones/index.ts";
import { ulid as newUlid } from "../ulid/index.ts";
import { type BlockMeta, stringifyMeta, type ThanosMeta } from "./meta.ts";
import { readSeriesSpill, SeriesSpillWriter } from "./series-spill.ts";

export const DEFAULT_SAMPLES_PER_CHUNK = 120;

export interface BlockWriterOptions {
  ulid?: string;
  segmentSize?: number;
  samplesPerChunk?: number;
  // Block time range; defaults to [first sample, last sample + 1).
  minTime?: number;
  maxTime?: number;
  thanos?: ThanosMeta;
  compactionLevel?: number;
  sources?: string[];
}

// A pre-encoded chunk for addSeries.
export interface ChunkInput {
  encoding: number;
  data: Uint8Array;
  minTime: number;
  maxTime: number;
  // Samples in the chunk; read from the header for XOR chunks when omitted.
  numSamples?: number;
}

export class BlockWriterError extends Error {}

export class BlockWriter {
  readonly ulid: string;
  readonly dir: string;
  private readonly tmpDir: string;
  private readonly chunks: ChunkSegmentWriter;
  private readonly symbols = new Set<string>();
  private lastLabels: Labels | null = null;
  private mint = Infinity;
  private maxt = -Infinity;
  private numSamples = 0;
  private numChunks = 0;
  private numSeries = 0;
  private tombstones: Tombstone[] = [];
  private done = false;

  private constructor(
    parentDir: string,
    private readonly opts: BlockWriterOptions,
    private readonly spill: SeriesSpillWriter,
    id: string,
    tmpDir: string,
  ) {
    this.ulid = id;
    this.dir = join(parentDir, id);
    this.tmpDir = tmpDir;
    this.chunks = new ChunkSegmentWriter(join(tmpDir, "chunks"), opts.segmentSize ?? DEFAULT_SEGMENT_SIZE);
  }

  static async create(parentDir: string, opts: BlockWriterOptions = {}): Promise<BlockWriter> {
    const id = opts.ulid ?? newUlid();
    const tmpDir = join(parentDir, `${id}.tmp-for-creation`);
    await rm(tmpDir, { recursive: true, force: true });
    await mkdir(tmpDir, { recursive: true });
    const spill = await SeriesSpillWriter.create(join(tmpDir, "series.spill"));
    return new BlockWriter(parentDir, opts, spill, id, tmpDir);
  }

  private checkOrder(labels: Labels): void {
    if (this.done) throw new BlockWriterError("block already finished");
    if (labels.length === 0) throw new BlockWriterError("series without labels");
    for (let i = 1; i < labels.length; i++) {
      if (compareStrings(labels[i - 1].name, labels[i].name) >= 0) throw new BlockWriterError(`labels not sorted: ${fmt(labels)}`);
    }
    for (const l of labels) {
      if (l.value === "") throw new BlockWriterError(`empty label value for ${l.name} in ${fmt(labels)}`);
    }
    if (this.lastLabels && compareLabels(labels, this.lastLabels) <= 0) {
      throw new BlockWriterError(`series out of order: ${fmt(labels)} after ${fmt(this.lastLabels)}`);
    }
  }

  // Adds a series from pre-encoded chunks (time-ordered, non-overlapping).
  async addSeries(labels: Labels, chunks: readonly ChunkInput[]): Promise<void> {
    this.checkOrder(labels);
    const metas: ChunkMeta[] = [];
    for (const c of chunks) {
      if (metas.length > 0 && c.minTime <= metas[metas.length - 1].maxTime) {
        throw new BlockWriterError(`${fmt(labels)}: chunk starting at ${c.minTime} overlaps the previous one`);
      }
      const n = c.numSamples ?? (c.encoding === ChunkEncoding.XOR ? xorSampleCount(c.data) : 0);
      const ref = await this.chunks.write(c.encoding, c.data);
      metas.push({ ref, minTime: c.minTime, maxTime: c.maxTime });
      this.numSamples += n;
      this.mint = Math.min(this.mint, c.minTime);
      this.maxt = Math.max(this.maxt, c.maxTime);
    }
    await this.record(labels, metas);
  }

  // Adds a float series from samples (strictly increasing timestamps), cut into XOR chunks.
  async addFloatSeries(labels: Labels, ts: ArrayLike<number>, vs: ArrayLike<number>): Promise<void> {
    this.checkOrder(labels);
    if (ts.length !== vs.length) throw new BlockWriterError(`${fmt(labels)}: ${ts.length} timestamps but ${vs.length} values`);
    for (let i = 1; i < ts.length; i++) {
      if (!(ts[i] > ts[i - 1])) throw new BlockWriterError(`${fmt(labels)}: timestamps not strictly increasing at ${ts[i]}`);
    }
    const per = this.opts.samplesPerChunk ?? DEFAULT_SAMPLES_PER_CHUNK;
    const metas: ChunkMeta[] = [];
    const tsArr = ts instanceof Float64Array ? ts : Float64Array.from(ts);
    const vsArr = vs instanceof Float64Array ? vs : Float64Array.from(vs);
    for (let s = 0; s < ts.length; s += per) {
      const e = Math.min(ts.length, s + per);
      const data = xorEncode(tsArr.subarray(s, e), vsArr.subarray(s, e));
      const ref = await this.chunks.write(ChunkEncoding.XOR, data);
      metas.push({ ref, minTime: tsArr[s], maxTime: tsArr[e - 1] });
    }
    if (ts.length > 0) {
      this.mint = Math.min(this.mint, tsArr[0]);
      this.maxt = Math.max(this.maxt, tsArr[ts.length - 1]);
    }
    this.numSamples += ts.length;
    await this.record(labels, metas);
  }

  private async record(labels: Labels, metas: ChunkMeta[]): Promise<void> {
    for (const l of labels) {
      this.symbols.add(l.name);
      this.symbols.add(l.value);
    }
    await this.spill.add(labels, metas);
    this.lastLabels = labels.map((l) => ({ name: l.name, value: l.value }));
    this.numSeries++;
    this.numChunks += metas.length;
  }

  // Tombstones refer to series refs of the finished index; callers that know them (e.g. the
  // compactor carrying deletions over) add them before finish().
  addTombstone(t: Tombstone): void {
    this.tombstones.push(t);
  }

  async finish(): Promise<{ dir: string; meta: BlockMeta }> {
    if (this.done) throw new BlockWriterError("block already finished");
    this.done = true;
    try {
      await this.chunks.close();
      await this.spill.close();
      const index = await IndexWriter.create(join(this.tmpDir, "index"));
      try {
        await index.addSymbols(sortSymbols([...this.symbols]));
        this.symbols.clear();
        for await (const s of readSeriesSpill(join(this.tmpDir, "series.spill"))) await index.addSeries(s.labels, s.chunks);
        await index.close();
      } catch (e) {
        await index.abort();
        throw e;
      }
      await rm(join(this.tmpDir, "series.spill"), { force: true });
      await writeFile(join(this.tmpDir, "tombstones"), encodeTombstones(this.tombstones));

      const hasData = this.mint <= this.maxt;
      const minTime = this.opts.minTime ?? (hasData ? this.mint : 0);
      const maxTime = this.opts.maxTime ?? (hasData ? this.maxt + 1 : minTime);
      if (hasData && (this.mint < minTime || this.maxt >= maxTime)) {
        throw new BlockWriterError(`samples in [${this.mint}, ${this.maxt}] fall outside the block range [${minTime}, ${maxTime})`);
      }
      const meta: BlockMeta = {
        ulid: this.ulid,
        minTime,
        maxTime,
        stats: { numSamples: this.numSamples, numSeries: this.numSeries, numChunks: this.numChunks },
        compaction: { level: this.opts.compactionLevel ?? 1, sources: this.opts.sources ?? [this.ulid] },
        version: 1,
      };
      if (this.tombstones.length > 0) meta.stats.numTombstones = this.tombstones.length;
      if (this.opts.thanos) {
        const files = [];
        for (const f of this.chunks.files) {
          files.push({ rel_path: `chunks/${f}`, size_bytes: (await stat(join(this.tmpDir, "chunks", f))).size });
        }
        files.push({ rel_path: "index", size_bytes: (await stat(join(this.tmpDir, "index"))).size });
        files.push({ rel_path: "meta.json" });
        meta.thanos = { ...this.opts.thanos, files };
      }
      await writeFile(join(this.tmpDir, "meta.json"), stringifyMeta(meta));
      await rm(this.dir, { recursive: true, force: true });
      await rename(this.tmpDir, this.dir);
      return { dir: this.dir, meta };
    } catch (e) {
      await this.abort();
      throw e;
    }
  }

  async abort(): Promise<void> {
    this.done = true;
    await this.chunks.abort().catch(() => {});
    await this.spill.abort().catch(() => {});
    await rm(this.tmpDir, { recursive: true, force: true });
  }
}

// Byte-wise (Go) order. Without surrogate pairs UTF-16 code-unit order is the same, and the
// default sort is several times faster than a comparator on 100k+ strings.
function sortSymbols(syms: string[]): string[] {
  return syms.some((x) => /[\ud800-\udfff]/.test(x)) ? syms.sort(compareStrings) : syms.sort();
}

function fmt(ls: Labels): string {
  return "{" + ls.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(", ") + "}";
}

