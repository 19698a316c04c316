// Finding and opening the blocks of a bucket for the tools. Metas come from the MetaFetcher
// without its delays (a tool shows what is there now); block contents are read through
// BucketByteSource, so the index and chunks are fetched by byte range and a block is never
// downloaded whole.
import type { Bucket } from "../../objstore/index.ts";
import { MetaFetcher, type FetchResult } from "../../blockstore/index.ts";
import { BlockReader, type BlockMeta } from "../../tsdb/block/index.ts";
import type { ByteSource } from "../../tsdb/bytesource/index.ts";
import { SEGMENT_HEADER_SIZE, SEGMENT_MAGIC, segmentFileName } from "../../tsdb/chunks/index.ts";
import { CorruptionError } from "../../tsdb/errors.ts";
import { BucketByteSource } from "../../store/bucket/bucket-source.ts";

export async function fetchMetas(bucket: Bucket): Promise<FetchResult> {
  return new MetaFetcher(bucket).fetch();
}

export interface SegmentListing {
  // Object names of chunks/NNNNNN in order, as found in the bucket.
  names: string[];
  // Problems with the listing (gaps in the numbering, files meta.json lists but the bucket lacks).
  problems: { file: string; message: string }[];
}

const SEGMENT = /\/chunks\/(\d{6})$/;

export async function listSegments(bucket: Bucket, meta: BlockMeta): Promise<SegmentListing> {
  const id = meta.ulid;
  const names: string[] = [];
  for await (const n of bucket.iter(`${id}/chunks/`)) if (SEGMENT.test(n)) names.push(n);
  names.sort();
  const problems: SegmentListing["problems"] = [];
  const have = new Set(names);
  const last = names.length ? Number(SEGMENT.exec(names[names.length - 1])![1]) : 0;
  for (let i = 0; i < last; i++) {
    const want = `${id}/chunks/${segmentFileName(i)}`;
    if (!have.has(want)) problems.push({ file: `chunks/${segmentFileName(i)}`, message: "chunk segment file missing (later segments exist)" });
  }
  for (const f of meta.thanos?.files ?? []) {
    if (f.rel_path.startsWith("chunks/") && !have.has(`${id}/${f.rel_path}`)) {
      problems.push({ file: f.rel_path, message: "chunk segment file listed in meta.json thanos.files is missing" });
    }
  }
  if (names.length === 0 && (meta.stats.numChunks ?? 1) > 0 && !problems.length) {
    problems.push({ file: "chunks/000001", message: "no chunk segment files in the bucket" });
  }
  return { names, problems };
}

// Opens a block for reading straight from the bucket. The segment list passed to the chunk
// reader keeps file positions: a missing segment in the middle is replaced by an empty source
// so refs into later segments still resolve, and refs into the missing one fail with an error
// naming that file.
export async function openBucketBlock(bucket: Bucket, meta: BlockMeta, listing?: SegmentListing): Promise<BlockReader> {
  const id = meta.ulid;
  const segs = listing ?? (await listSegments(bucket, meta));
  if (segs.problems.length && !listing) {
    const p = segs.problems[0];
    throw new CorruptionError({ block: id, file: p.file }, p.message);
  }
  let index: BucketByteSource;
  try {
    index = await BucketByteSource.open(bucket, `${id}/index`);
  } catch (e) {
    if (bucket.isObjNotFoundErr(e)) throw new CorruptionError({ block: id, file: "index" }, "index object missing");
    throw e;
  }
  const byNumber = new Map(segs.names.map((n) => [Number(SEGMENT.exec(n)![1]), n]));
  const count = segs.names.length ? Math.max(...byNumber.keys()) : 0;
  const chunks: ByteSource[] = [];
  for (let i = 1; i <= count; i++) {
    const name = byNumber.get(i);
    chunks.push(name ? await BucketByteSource.open(bucket, name) : new MissingSegment(id, `chunks/${segmentFileName(i - 1)}`));
  }
  let tombstones: Uint8Array | null = null;
  try {
    tombstones = await bucket.get(`${id}/tombstones`);
  } catch (e) {
    if (!bucket.isObjNotFoundErr(e)) throw e;
  }
  return BlockReader.open({ meta, index, chunks, tombstones });
}

// Stands in for a segment file that is absent from the bucket (verify opens such blocks to check
// everything else): it answers the header check, and every chunk read from it fails with an
// error naming the missing file.
class MissingSegment implements ByteSource {
  readonly size = Number.MAX_SAFE_INTEGER;
  constructor(
    private readonly block: string,
    private readonly file: string,
  ) {}
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset === 0 && length === SEGMENT_HEADER_SIZE) {
      const h = new Uint8Array(SEGMENT_HEADER_SIZE);
      new DataView(h.buffer).setUint32(0, SEGMENT_MAGIC);
      h[4] = 1;
      return h;
    }
    throw new CorruptionError({ block: this.block, file: this.file }, "chunk segment file missing from the bucket");
  }
}

// Bytes the block takes in the bucket: the sum of thanos.files sizes when meta.json has them
// (no extra requests), else the sizes of the block's objects.
export async function blockSize(bucket: Bucket, meta: BlockMeta): Promise<number> {
  const files = meta.thanos?.files;
  if (files && files.some((f) => f.size_bytes !== undefined)) return files.reduce((s, f) => s + (f.size_bytes ?? 0), 0);
  let total = 0;
  for await (const n of bucket.iter(meta.ulid, { recursive: true })) total += (await bucket.attributes(n)).size;
  return total;
}
