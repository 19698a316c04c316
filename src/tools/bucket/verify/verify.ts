// `tools bucket verify`: checks every block (or the chosen ones) and reports every problem with
// the block ID and file. Per block: meta.json parses and names its folder; the chunk segments
// are numbered without gaps and match meta.json's thanos.files (sizes too); the index opens
// (magic, TOC CRC, symbol table CRC, postings offset table CRC); verifyBlock walks every series
// and chunk (series CRCs and order, labels sorted, chunk refs within the segment files, chunk
// CRCs, chunk times inside the block range, postings sorted and naming existing series, stats);
// index-structure.ts adds symbol order, legacy section CRCs and chunk-ref order. Finally blocks of
// one stream must not overlap.
//
// Everything is read by byte ranges from the bucket (BucketByteSource); no block is downloaded.
// Reading every chunk does fetch the whole chunk data once, in coalesced ranges of up to 8 MiB.
import type { Bucket } from "../../../objstore/index.ts";
import { isUlid } from "../../../blockstore/index.ts";
import { MetaError, parseMeta, verifyBlock, type BlockMeta } from "../../../tsdb/block/index.ts";
import { CorruptionError, describeError } from "../../../tsdb/errors.ts";
import { BucketByteSource } from "../../../store/bucket/bucket-source.ts";
import { listSegments, openBucketBlock } from "../blocks.ts";
import { checkIndexStructure } from "./index-structure.ts";
import { findOverlaps } from "./overlaps.ts";

export interface Problem {
  block: string;
  file: string;
  message: string;
}

export interface VerifyBucketOptions {
  ids?: readonly string[];
  // Read and check every chunk (default true).
  chunks?: boolean;
  // Progress per block (the command logs it on stderr).
  onBlock?: (id: string, problems: number) => void;
}

export interface VerifyReport {
  checked: string[];
  // Folders without meta.json: uploads in progress or aborted; not problems unless asked for by ID.
  partial: string[];
  problems: Problem[];
}

export async function verifyBucket(bucket: Bucket, opts: VerifyBucketOptions = {}): Promise<VerifyReport> {
  const dirs: string[] = [];
  for await (const n of bucket.iter("")) if (n.endsWith("/") && isUlid(n.slice(0, -1))) dirs.push(n.slice(0, -1));
  dirs.sort();
  const wanted = opts.ids?.length ? new Set(opts.ids) : null;
  const report: VerifyReport = { checked: [], partial: [], problems: [] };
  if (wanted) {
    for (const id of wanted) {
      if (!dirs.includes(id)) report.problems.push({ block: id, file: "", message: "block not found in the bucket" });
    }
  }
  const metas: BlockMeta[] = [];
  for (const id of dirs) {
    const selected = !wanted || wanted.has(id);
    let text: string;
    try {
      text = new TextDecoder().decode(await bucket.get(`${id}/meta.json`));
    } catch (e) {
      if (!bucket.isObjNotFoundErr(e)) throw e;
      if (selected) {
        if (wanted) report.problems.push({ block: id, file: "meta.json", message: "missing (partial upload)" });
        else report.partial.push(id);
      }
      continue;
    }
    let meta: BlockMeta;
    try {
      meta = parseMeta(text, "meta.json");
    } catch (e) {
      if (!(e instanceof MetaError)) throw e;
      if (selected) {
        report.checked.push(id);
        report.problems.push({ block: id, file: "meta.json", message: e.message.replace(/^meta\.json: /, "") });
        opts.onBlock?.(id, 1);
      }
      continue;
    }
    if (meta.ulid !== id) {
      if (selected) {
        report.checked.push(id);
        report.problems.push({ block: id, file: "meta.json", message: `ulid ${meta.ulid} does not match the block folder name` });
        opts.onBlock?.(id, 1);
      }
      continue;
    }
    metas.push(meta);
    if (!selected) continue;
    report.checked.push(id);
    const found = await verifyOneBlock(bucket, meta, opts.chunks !== false);
    report.problems.push(...found);
    opts.onBlock?.(id, found.length);
  }
  for (const o of findOverlaps(metas)) {
    if (wanted && !wanted.has(o.a.ulid) && !wanted.has(o.b.ulid)) continue;
    const range = (m: BlockMeta) => `[${m.minTime}, ${m.maxTime})`;
    const msg = (x: BlockMeta, y: BlockMeta) => `overlaps block ${y.ulid} of the same stream ${o.stream}: ${range(x)} and ${range(y)}`;
    report.problems.push({ block: o.a.ulid, file: "meta.json", message: msg(o.a, o.b) });
    report.problems.push({ block: o.b.ulid, file: "meta.json", message: msg(o.b, o.a) });
  }
  return report;
}

export async function verifyOneBlock(bucket: Bucket, meta: BlockMeta, chunks = true): Promise<Problem[]> {
  const id = meta.ulid;
  const problems: Problem[] = [];
  const add = (file: string, message: string) => problems.push({ block: id, file, message });
  const listing = await listSegments(bucket, meta);
  for (const p of listing.problems) add(p.file, p.message);
  await checkFileSizes(bucket, meta, add);
  let reader;
  try {
    reader = await openBucketBlock(bucket, meta, listing);
  } catch (e) {
    if (e instanceof CorruptionError) add(e.file, e.detail);
    else add("", describeError(e));
    return problems;
  }
  try {
    for (const p of await verifyBlock(reader, { chunks })) add(p.file, p.message);
    const src = await BucketByteSource.open(bucket, `${id}/index`);
    for (const p of await checkIndexStructure(src, reader.index.toc)) add(p.file, p.message);
  } finally {
    await reader.close();
  }
  return problems;
}

// Sizes recorded in thanos.files must match the objects (a truncated upload shows up here).
async function checkFileSizes(bucket: Bucket, meta: BlockMeta, add: (file: string, message: string) => void): Promise<void> {
  for (const f of meta.thanos?.files ?? []) {
    if (f.size_bytes === undefined || f.rel_path === "meta.json") continue;
    try {
      const size = (await bucket.attributes(`${meta.ulid}/${f.rel_path}`)).size;
      if (size !== f.size_bytes) add(f.rel_path, `size ${size} bytes but meta.json thanos.files says ${f.size_bytes}`);
    } catch (e) {
      if (!bucket.isObjNotFoundErr(e)) throw e;
      // Missing files are reported by the segment listing and by opening the index.
    }
  }
}
