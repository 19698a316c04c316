// `bucket verify` finds each corruption a test injects into promtool-made blocks in a bucket
// (flipped byte in a chunk, in the series section, in the postings; a missing chunk segment;
// overlapping blocks of one stream; a bad meta.json), naming the block and the file, and exits
// non-zero. Damaged blocks make `bucket dump` fail with the block named, never print wrong samples.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { FilesystemBucket, type Bucket } from "../../src/objstore/index.ts";
import { S3Bucket } from "../../src/objstore/index.ts";
import { FileByteSource } from "../../src/tsdb/bytesource/index.ts";
import { IndexReader } from "../../src/tsdb/index/index.ts";
import { openBlockDir } from "../../src/tsdb/block/index.ts";
import { refOffset, refSegment, segmentFileName } from "../../src/tsdb/chunks/index.ts";
import { CorruptionError } from "../../src/tsdb/errors.ts";
import { dumpBucket, uploadBlocks, verifyBucket, type Problem } from "../../src/tools/bucket/index.ts";
import { startS3Server } from "../helpers/s3-server.ts";
import { assertSameLines, flipByte, fsYaml, havePromtool, openMetrics, promtoolBlocks, promtoolDump, sortLines } from "./fixtures.ts";
import { runAeon } from "./run-aeon.ts";


const skip = !havePromtool && "promtool not installed";
const T0 = 1_700_000_000;

describe("bucket verify on damaged blocks", { skip }, () => {
  let tmp: string;
  let blocks: string[];
  let ids: string[];
  let n = 0;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), "aeon-bucket-verify-"));
    blocks = await promtoolBlocks(tmp, "main", openMetrics({ startSec: T0, endSec: T0 + 4 * 3600, stepSec: 60 }));
    ids = blocks.map((b) => b.split("/").pop()!);
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  async function freshBucket(): Promise<{ bucket: FilesystemBucket; dir: string }> {
    const dir = join(tmp, `bucket-${n++}`);
    const bucket = new FilesystemBucket({ directory: dir });
    await uploadBlocks(bucket, join(tmp, "main"), { labels: { replica: "r1" }, source: "test" });
    return { bucket, dir };
  }

  const problemsOf = (ps: Problem[], id: string) => ps.filter((p) => p.block === id);

  async function expectDumpFails(bucket: Bucket, id: string) {
    await assert.rejects(
      dumpBucket(bucket, { write: () => {} }),
      (e: unknown) => e instanceof CorruptionError && e.message.includes(id),
    );
  }

  test("good blocks pass", async () => {
    const { bucket } = await freshBucket();
    const r = await verifyBucket(bucket);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.checked, ids);
  });

  test("flipped byte in a chunk: checksum mismatch in chunks/000001; exit 1 from the CLI", async () => {
    const { bucket, dir } = await freshBucket();
    const b = await openBlockDir(blocks[1]);
    const s = await b.series((await b.postings([]))[3]);
    await b.close();
    const ref = s.chunks[0].ref;
    await flipByte(bucket, `${ids[1]}/chunks/${segmentFileName(refSegment(ref))}`, refOffset(ref) + 12);
    const r = await verifyBucket(bucket);
    const mine = problemsOf(r.problems, ids[1]);
    assert.ok(mine.some((p) => p.file === "chunks/000001" && /checksum mismatch/.test(p.message)), JSON.stringify(r.problems));
    assert.equal(r.problems.length, mine.length, "only the damaged block has problems");
    await expectDumpFails(bucket, ids[1]);

    const cli = await runAeon(["tools", "bucket", "verify", `--objstore.config=${fsYaml(dir)}`]);
    assert.equal(cli.code, 1, cli.stderr);
    assert.match(cli.stdout, new RegExp(`^block ${ids[1]}: chunks/000001: chunk at offset ${refOffset(ref)}: checksum mismatch`, "m"));
    assert.match(cli.stdout, /problem\(s\)$/m);
  });

  test("flipped byte in the series section: the index entry's checksum", async () => {
    const { bucket } = await freshBucket();
    const ix = await IndexReader.open(await FileByteSource.open(join(blocks[0], "index")));
    const seriesOff = ix.toc.series;
    await ix.close();
    await flipByte(bucket, `${ids[0]}/index`, seriesOff + 4);
    const r = await verifyBucket(bucket);
    const mine = problemsOf(r.problems, ids[0]);
    assert.ok(mine.some((p) => p.file === "index" && /series at offset \d+.*checksum mismatch/.test(p.message)), JSON.stringify(r.problems));
    await expectDumpFails(bucket, ids[0]);
  });

  test("flipped byte in the postings: the postings list's checksum", async () => {
    const { bucket } = await freshBucket();
    const ix = await IndexReader.open(await FileByteSource.open(join(blocks[2], "index")));
    const postingsOff = ix.toc.postings;
    await ix.close();
    await flipByte(bucket, `${ids[2]}/index`, postingsOff + 9);
    const r = await verifyBucket(bucket);
    const mine = problemsOf(r.problems, ids[2]);
    assert.ok(mine.some((p) => p.file === "index" && /postings list .*checksum mismatch/.test(p.message)), JSON.stringify(r.problems));
  });

  test("missing chunk segment: named by block and file", async () => {
    const { bucket } = await freshBucket();
    await bucket.delete(`${ids[1]}/chunks/000001`);
    const r = await verifyBucket(bucket);
    const mine = problemsOf(r.problems, ids[1]);
    assert.ok(mine.length > 0);
    assert.ok(mine.some((p) => p.file === "chunks/000001" && /missing/.test(p.message)), JSON.stringify(mine));
    await expectDumpFails(bucket, ids[1]);
  });

  test("bad meta.json: reported with the block ID; other blocks still checked", async () => {
    const { bucket } = await freshBucket();
    await bucket.upload(`${ids[0]}/meta.json`, '{"ulid": "' + ids[0] + '", "minTime": 1, ');
    const r = await verifyBucket(bucket);
    assert.deepEqual(
      r.problems.map((p) => [p.block, p.file]),
      [[ids[0], "meta.json"]],
    );
    assert.match(r.problems[0].message, /invalid JSON/);
    assert.deepEqual(r.checked, ids);
  });

  test("truncated index: reported, not a crash", async () => {
    const { bucket } = await freshBucket();
    const full = await bucket.get(`${ids[2]}/index`);
    await bucket.upload(`${ids[2]}/index`, full.subarray(0, full.length - 100));
    const r = await verifyBucket(bucket);
    const mine = problemsOf(r.problems, ids[2]);
    assert.ok(mine.some((p) => p.file === "index" && /TOC checksum|size/.test(p.message)), JSON.stringify(mine));
  });

  test("overlapping blocks of one stream (S3): verify names both; dump merges them as promtool does", async () => {
    // A second promtool run over part of the same time range at twice the rate: overlapping
    // blocks whose series interleave with the first run's, sharing every other sample (with the
    // same value), which the chain merge must print once.
    const extra = await promtoolBlocks(tmp, "overlap", openMetrics({ startSec: T0 + 3600, endSec: T0 + 2 * 3600, stepSec: 30, families: ["odd"] }));
    const s3 = await startS3Server();
    try {
      const bucket = new S3Bucket(s3.config);
      await uploadBlocks(bucket, join(tmp, "main"), { labels: { replica: "r1" }, source: "test" });
      await uploadBlocks(bucket, join(tmp, "overlap"), { labels: { replica: "r1" }, source: "test" });
      const extraIds = extra.map((b) => b.split("/").pop()!);
      const r = await verifyBucket(bucket);
      const overlaps = r.problems.filter((p) => /overlaps block/.test(p.message));
      assert.ok(overlaps.length >= 2, JSON.stringify(r.problems));
      assert.equal(r.problems.length, overlaps.length, "nothing but overlaps is wrong");
      assert.ok(overlaps.some((p) => extraIds.includes(p.block)));
      assert.ok(overlaps.some((p) => ids.includes(p.block)));
      for (const p of overlaps) assert.match(p.message, /same stream 0@\{replica=r1\}/);

      let ours = "";
      await dumpBucket(bucket, { write: (t) => void (ours += t) });
      const theirs = await promtoolDump(tmp, [...blocks, ...extra]);
      assert.ok(theirs.length > 0);
      assertSameLines(sortLines(ours), sortLines(theirs));

      // A different stream (other external labels) does not overlap.
      const b2 = new S3Bucket({ ...s3.config });
      for (const id of extraIds) {
        const m = JSON.parse(new TextDecoder().decode(await b2.get(`${id}/meta.json`)));
        m.thanos.labels = { replica: "r2" };
        await b2.upload(`${id}/meta.json`, JSON.stringify(m));
      }
      const r2 = await verifyBucket(b2);
      assert.deepEqual(r2.problems, []);
    } finally {
      await s3.stop();
    }
  });
});
