// The store gateway's index-header files: Thanos's binary layout (checked byte for byte against
// the sections of an index written by Debian's promtool), reuse across restarts, rebuilding of
// damaged local files, clean-up of blocks that left the bucket, and a damaged index in the
// bucket still reported as a corrupted block.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { uploadBlock } from "../../src/blockstore/index.ts";
import { SeriesRequestSchema } from "../../src/gen/thanos/store/rpc_pb.ts";
import { Matcher } from "../../src/labels/index.ts";
import { createLogger, Registry } from "../../src/observability/index.ts";
import { FilesystemBucket } from "../../src/objstore/index.ts";
import { BucketStore } from "../../src/store/bucket/index.ts";
import { BucketByteSource } from "../../src/store/bucket/bucket-source.ts";
import { INDEX_HEADER_MAGIC, openIndexHeader, writeIndexHeader } from "../../src/store/bucket/index-header/index.ts";
import { matchersToProto } from "../../src/store/index.ts";
import { crc32c, readBE32, readBE64 } from "../../src/tsdb/encoding/index.ts";
import { readIndexTOC } from "../../src/tsdb/index/index.ts";
import { hasPromtool } from "../tsdb/fixtures.ts";
import { collect, expectedLines, promtoolBlocks, responseLines, uploadAll } from "./bucket-fixtures.ts";

const skip = !hasPromtool && "promtool not installed";
const ALL = [new Matcher("=~", "__name__", ".+")];
const req = () => create(SeriesRequestSchema, { minTime: 0n, maxTime: BigInt(9e15), matchers: matchersToProto(ALL) });

describe("index-header files", { skip }, () => {
  let dir: string;
  let fx: Awaited<ReturnType<typeof promtoolBlocks>>;
  let bucket: FilesystemBucket;
  let want: string[];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "aeon-index-header-"));
    fx = await promtoolBlocks(dir, 23);
    bucket = new FilesystemBucket({ directory: join(dir, "bucket") });
    await uploadAll(bucket, fx.db, fx.ids);
    want = expectedLines(fx.dump, ALL, 0, 9e15);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  // A gateway's whole answer to "every series", as promtool dump lines.
  const answer = async (store: BucketStore) => responseLines(await collect(store.series(req())), 0, 9e15);

  test("layout: Thanos's v1 format with exact copies of the index's two tables", async () => {
    const id = fx.ids[0];
    const index = await readFile(join(fx.db, id, "index"));
    const src = await BucketByteSource.open(bucket, `${id}/index`);
    const { toc, version } = await readIndexTOC(src, { block: id, file: "index" });
    const path = join(dir, "layout-index-header");
    const { bytes } = await writeIndexHeader(src, path, { block: id, file: "index" });
    const h = await readFile(path);
    assert.equal(h.length, bytes);
    assert.equal(readBE32(h, 0), INDEX_HEADER_MAGIC);
    assert.equal(h[4], 1, "index-header version");
    assert.equal(h[5], version, "TSDB index version");
    assert.equal(version, 2, "promtool 2.42 writes index v2");
    assert.equal(readBE64(h, 6), toc.postingsTable);
    const section = (at: number) => index.subarray(at, at + 4 + readBE32(index, at) + 4);
    const symbols = section(toc.symbols);
    const table = section(toc.postingsTable);
    assert.ok(symbols.length > 12 && table.length > 12);
    assert.deepEqual(h.subarray(14, 14 + symbols.length), symbols);
    assert.deepEqual(h.subarray(14 + symbols.length, 14 + symbols.length + table.length), table);
    const tocAt = h.length - 20;
    assert.equal(tocAt, 14 + symbols.length + table.length);
    assert.equal(readBE64(h, tocAt), 14);
    assert.equal(readBE64(h, tocAt + 8), 14 + symbols.length);
    assert.equal(readBE32(h, tocAt + 16), crc32c(h, tocAt, tocAt + 16));
    const opened = await openIndexHeader(path);
    assert.deepEqual([opened.symbols, opened.postingsTable, opened.indexPostingsTable, opened.indexVersion], [14, 14 + symbols.length, toc.postingsTable, 2]);
    await opened.src.close();
  });

  test("built once, reused after a restart (no table reads from the bucket), same answers", async () => {
    const dataDir = join(dir, "data-reuse");
    const run = async () => {
      const registry = new Registry();
      let bytes = 0;
      const store = new BucketStore({ bucket, registry, dataDir });
      // Count what the opens fetch from the bucket through the metric the store keeps.
      await store.sync();
      const m = /thanos_objstore_bucket_operation_fetched_bytes_total\{operation="get_range"\} (\d+)/.exec(registry.metricsText());
      bytes = m ? Number(m[1]) : 0;
      const got = await answer(store);
      await store.stop();
      return { registry, bytes, got };
    };
    const first = await run();
    for (const id of fx.ids) assert.ok((await stat(join(dataDir, id, "index-header"))).size > 0, `index-header of ${id}`);
    const second = await run();
    assert.match(first.registry.metricsText(), new RegExp(`aeon_bucket_store_index_headers_total\\{origin="built"\\} ${fx.ids.length}`));
    assert.match(second.registry.metricsText(), new RegExp(`aeon_bucket_store_index_headers_total\\{origin="reused"\\} ${fx.ids.length}`));
    assert.doesNotMatch(second.registry.metricsText(), /origin="built"/);
    // Reopening reads only each index's header and TOC (5 + 52 bytes) from the bucket.
    assert.equal(second.bytes, fx.ids.length * (5 + 52), `restart fetched ${second.bytes} bytes (first start ${first.bytes})`);
    assert.ok(first.bytes > second.bytes * 10);
    assert.deepEqual(first.got.lines, want);
    assert.deepEqual(second.got.lines, want);
  });

  test("damaged, truncated or foreign local files are rebuilt; answers stay right", async () => {
    const dataDir = join(dir, "data-damaged");
    const s0 = new BucketStore({ bucket, dataDir });
    await s0.sync();
    await s0.stop();
    const [a, b, c] = fx.ids;
    // a: a flipped byte inside the copied symbol table (caught by its decoding or its CRC)
    const pa = join(dataDir, a, "index-header");
    const ha = await readFile(pa);
    const aOriginal = Buffer.from(ha);
    ha[20] ^= 0xff;
    await writeFile(pa, ha);
    // b: torn write (cut in the middle)
    const pb = join(dataDir, b, "index-header");
    await truncate(pb, Math.floor((await stat(pb)).size / 2));
    // c: block a's header (a valid file for another index), told apart by the postings table offset
    const pc = join(dataDir, c, "index-header");
    const foreign = readBE64(aOriginal, 6) !== readBE64(await readFile(pc), 6);
    if (foreign) await writeFile(pc, aOriginal);
    const lines: string[] = [];
    const registry = new Registry();
    const store = new BucketStore({ bucket, dataDir, registry, logger: createLogger({ level: "info", write: (l) => lines.push(l) }) });
    await store.sync();
    try {
      assert.equal(store.loadedBlocks.length, fx.ids.length);
      const rebuilt = lines.filter((l) => l.includes("index-header was unusable"));
      assert.ok(rebuilt.some((l) => l.includes(a) && /index-header: symbol table at 14/.test(l)), rebuilt.join("\n"));
      assert.ok(rebuilt.some((l) => l.includes(b) && /TOC checksum mismatch/.test(l)), rebuilt.join("\n"));
      if (foreign) assert.ok(rebuilt.some((l) => l.includes(c) && /made for another index/.test(l)), rebuilt.join("\n"));
      assert.match(registry.metricsText(), new RegExp(`aeon_bucket_store_index_headers_total\\{origin="rebuilt"\\} ${foreign ? 3 : 2}`));
      assert.deepEqual((await answer(store)).lines, want);
      // The rebuilt files are whole again.
      assert.deepEqual(await readFile(pa), await readFile(join(dir, "data-reuse", a, "index-header")));
    } finally {
      await store.stop();
    }
  });

  test("local files of blocks gone from the bucket are removed; a damaged index is still a corrupted block", async () => {
    const d2 = join(dir, "cleanup");
    const b2 = new FilesystemBucket({ directory: join(d2, "bucket") });
    for (const id of fx.ids) await uploadBlock(b2, join(fx.db, id));
    const dataDir = join(d2, "data");
    // Left over from a block that vanished while the gateway was down.
    const ghost = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    await mkdir(join(dataDir, ghost), { recursive: true });
    await writeFile(join(dataDir, ghost, "index-header"), "stale");
    await writeFile(join(dataDir, "not-a-block"), "kept");
    // A real block folder (as in a Prometheus data dir) under a ULID the bucket does not have.
    const foreignBlock = "01BX5ZZKBKACTAV9WEVGEMMVRZ";
    await mkdir(join(dataDir, foreignBlock, "chunks"), { recursive: true });
    await writeFile(join(dataDir, foreignBlock, "meta.json"), "{}");
    const [gone, damaged] = fx.ids;
    // A damaged symbol table inside the bucket's index: the copy fails its CRC.
    const p = join(d2, "bucket", damaged, "index");
    const idx = await readFile(p);
    const symbolsAt = readBE64(idx, idx.length - 52);
    idx[symbolsAt + 12] ^= 0xff;
    await writeFile(p, idx);
    const lines: string[] = [];
    const store = new BucketStore({ bucket: b2, dataDir, logger: createLogger({ level: "info", write: (l) => lines.push(l) }) });
    try {
      await store.sync();
      assert.deepEqual(store.loadedBlocks.map((x) => x.id).sort(), fx.ids.filter((id) => id !== damaged).sort());
      const err = lines.find((l) => l.includes("level=error") && l.includes(damaged));
      assert.ok(err && /index: symbol table .*checksum mismatch/.test(err), lines.join("\n"));
      let names = await readdir(dataDir);
      assert.ok(!names.includes(ghost), "stale dir removed");
      assert.ok(!names.includes(damaged), "no index-header left for the corrupted block");
      assert.ok(names.includes("not-a-block"), "only ULID-named dirs are touched");
      assert.deepEqual((await readdir(join(dataDir, foreignBlock))).sort(), ["chunks", "meta.json"], "a folder with other files is left alone");
      assert.ok(names.includes(gone));
      await rm(join(d2, "bucket", gone), { recursive: true });
      await store.sync();
      names = await readdir(dataDir);
      assert.ok(!names.includes(gone), "dropped block's dir removed");
      const got = responseLines(await collect(store.series(req())), 0, 9e15);
      assert.ok(got.lines.length > 0);
    } finally {
      await store.stop();
    }
  });
});
