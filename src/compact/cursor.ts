// Walks every series of one block in label order (the order of its all-postings list), a batch
// at a time, with the batch's chunk bytes fetched in one coalesced read. Every failure is
// re-thrown as a BlockFault naming the block, so the compactor knows which input is broken.
import type { Labels } from "../labels/index.ts";
import type { BlockReader, ChunkMeta, RawChunk } from "../tsdb/index.ts";
import type { Interval } from "../tsdb/tombstones/index.ts";

export class BlockFault extends Error {
  constructor(
    readonly blockId: string,
    cause: unknown,
  ) {
    super(`block ${blockId}: ${cause instanceof Error ? cause.message.replace(`block ${blockId}: `, "") : String(cause)}`, { cause });
    this.name = "BlockFault";
  }
}

export interface CursorSeries {
  labels: Labels;
  chunks: ChunkMeta[];
  raw: RawChunk[];
  deleted?: Interval[];
}

export class SeriesCursor {
  private refs: Uint32Array | null = null;
  private next = 0;
  private batch: CursorSeries[] = [];
  private at = 0;

  constructor(
    readonly block: BlockReader,
    private readonly batchSize = 256,
  ) {}

  get id(): string {
    return this.block.ulid;
  }

  // The current series, or null at the end.
  async peek(): Promise<CursorSeries | null> {
    if (this.at < this.batch.length) return this.batch[this.at];
    try {
      await this.load();
    } catch (e) {
      throw e instanceof BlockFault ? e : new BlockFault(this.id, e);
    }
    return this.at < this.batch.length ? this.batch[this.at] : null;
  }

  advance(): void {
    this.at++;
  }

  private async load(): Promise<void> {
    if (!this.refs) this.refs = await this.block.index.allPostings();
    this.batch = [];
    this.at = 0;
    if (this.next >= this.refs.length) return;
    const end = Math.min(this.refs.length, this.next + this.batchSize);
    const entries = await this.block.seriesMany(this.refs.subarray(this.next, end));
    this.next = end;
    const refs: number[] = [];
    for (const e of entries) for (const c of e.chunks) refs.push(c.ref);
    const raw = await this.block.chunks(refs);
    let k = 0;
    for (const e of entries) {
      const mine = raw.slice(k, k + e.chunks.length);
      k += e.chunks.length;
      const deleted = this.block.tombstones.get(e.ref);
      this.batch.push({ labels: e.labels, chunks: e.chunks, raw: mine, deleted: deleted && deleted.length > 0 ? deleted : undefined });
    }
  }
}
