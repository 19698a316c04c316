// The block protocol suite, run against every bucket backend (blockstore.test.ts): upload order,
// partial blocks, markers in Thanos's JSON shape, deletion order, download round trip.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  cleanAbortedPartialUploads,
  deleteBlock,
  downloadBlock,
  markForDeletion,
  markNoCompact,
  markNoDownsample,
  MetaFetcher,
  PartialBlockError,
  readDeletionMark,
  readNoCompactMark,
  ulidTime,
  uploadBlock,
} from "../../src/blockstore/index.ts";
import { iterAll, type Bucket } from "../../src/objstore/index.ts";
import { parseMeta } from "../../src/tsdb/block/meta.ts";
import { promtoolBlocks, syntheticBlock } from "./fixtures.ts";
import { RecordingBucket } from "./recording-bucket.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

export function blockProtocolSuite(label: string, make: () => Promise<Bucket>): void {
  describe(`${label}: block protocol`, () => {
    const temps: string[] = [];
    const tmp = async () => {
      const d = await mkdtemp(join(tmpdir(), "aeon-blockstore-"));
      temps.push(d);
      return d;
    };
    after(async () => {
      for (const d of temps) await rm(d, { recursive: true, force: true });
    });

    it("uploads chunks, then index, then meta.json last, with a thanos section", async () => {
      const bucket = new RecordingBucket(await make());
      const { id, dir } = await syntheticBlock(await tmp());
      const meta = await uploadBlock(bucket, dir, { labels: { cluster: "eu1", replica: "a" }, source: "sidecar", concurrency: 3 });
      const uploads = bucket.ops.filter((o) => o.startsWith("upload ")).map((o) => o.slice(7));
      assert.deepEqual(uploads.slice(-2), [`${id}/index`, `${id}/meta.json`]);
      assert.deepEqual(uploads.slice(0, -2).sort(), [`${id}/chunks/000001`, `${id}/chunks/000002`, `${id}/chunks/000003`]);
      assert.equal(await bucket.exists(`${id}/tombstones`), false, "tombstones stay local, as with Thanos");

      const stored = parseMeta(text(await bucket.get(`${id}/meta.json`)));
      assert.deepEqual(stored, meta);
      assert.deepEqual(stored.thanos?.labels, { cluster: "eu1", replica: "a" });
      assert.equal(stored.thanos?.source, "sidecar");
      assert.equal(stored.thanos?.downsample.resolution, 0);
      const files = stored.thanos!.files!;
      assert.deepEqual(files.map((f) => f.rel_path), ["chunks/000001", "chunks/000002", "chunks/000003", "index", "meta.json"]);
      for (const f of files.slice(0, -1)) {
        const local = await readFile(`${dir}/${f.rel_path}`);
        assert.equal(f.size_bytes, local.length);
        assert.deepEqual(Buffer.from(await bucket.get(`${id}/${f.rel_path}`)), local, f.rel_path);
      }
      assert.equal(files.at(-1)!.size_bytes, undefined);
      // Everything else in the local meta is kept.
      assert.equal(stored.minTime, meta.minTime);
      assert.deepEqual(stored.stats, { numSamples: 10, numSeries: 2, numChunks: 3 });
    });

    it("records SHA256 hashes on request and refuses empty external labels when required", async () => {
      const bucket = await make();
      const { dir } = await syntheticBlock(await tmp());
      await assert.rejects(uploadBlock(bucket, dir, { requireExternalLabels: true }), /empty external labels/);
      const meta = await uploadBlock(bucket, dir, { labels: { a: "b" }, hashFunc: "SHA256" });
      const idx = meta.thanos!.files!.find((f) => f.rel_path === "index")!;
      const { createHash } = await import("node:crypto");
      assert.deepEqual(idx.hash, { hashFunc: "SHA256", value: createHash("sha256").update(await readFile(`${dir}/index`)).digest("hex") });
    });

    it("refuses a block folder whose name is not its meta.json ULID", async () => {
      const bucket = await make();
      const parent = await tmp();
      const { dir } = await syntheticBlock(parent);
      const { rename } = await import("node:fs/promises");
      const other = `${parent}/01ARZ3NDEKTSV4RRFFQ69G5FAV`;
      await rename(dir, other);
      await assert.rejects(uploadBlock(bucket, other), /does not match the folder name/);
      await assert.rejects(uploadBlock(bucket, `${parent}/not-a-ulid`), /is not a ULID/);
    });

    it("keeps partial uploads invisible and reports them with their age", async () => {
      const inner = await make();
      const bucket = new RecordingBucket(inner);
      const parent = await tmp();
      const whole = await syntheticBlock(parent, Date.now() - 5 * 3600_000);
      const partial = await syntheticBlock(parent, Date.now() - 50 * 3600_000);
      await uploadBlock(bucket, whole.dir);
      // An upload that dies before meta.json: what was sent is removed, nothing becomes visible.
      bucket.failUploads = /meta\.json$/;
      await assert.rejects(uploadBlock(bucket, partial.dir), /injected upload failure/);
      assert.deepEqual(await iterAll(bucket, partial.id, { recursive: true }), []);
      // And one that died without cleaning up (process killed): chunks and index, no meta.json.
      await bucket.upload(`${partial.id}/chunks/000001`, "x");
      await bucket.upload(`${partial.id}/index`, "y");
      await bucket.upload("debug/metas/x.json", "{}"); // non-block folders are ignored

      const now = Date.now();
      const res = await new MetaFetcher(bucket, { now: () => now }).fetch();
      assert.deepEqual([...res.metas.keys()], [whole.id]);
      assert.deepEqual([...res.partial.keys()], [partial.id]);
      const p = res.partial.get(partial.id)!;
      assert.equal(p.reason, "no meta.json");
      assert.equal(p.ageMs, now - ulidTime(partial.id));
      assert.ok(p.ageMs > 48 * 3600_000);
      await assert.rejects(downloadBlock(bucket, partial.id, `${parent}/dl`), PartialBlockError);

      // The compactor's cleaner removes partials older than 2 days, and only those.
      const young = await syntheticBlock(parent, Date.now() - 3600_000);
      await bucket.upload(`${young.id}/index`, "still uploading");
      const again = await new MetaFetcher(bucket).fetch();
      assert.equal(again.partial.size, 2);
      assert.deepEqual(await cleanAbortedPartialUploads(bucket, again.partial), [partial.id]);
      assert.deepEqual(await iterAll(bucket, partial.id, { recursive: true }), []);
      assert.deepEqual(await iterAll(bucket, young.id, { recursive: true }), [`${young.id}/index`]);
      assert.deepEqual([...(await new MetaFetcher(bucket).fetch()).metas.keys()], [whole.id]);
    });

    it("reports a corrupted meta.json as partial with the reason", async () => {
      const bucket = await make();
      const { id, dir } = await syntheticBlock(await tmp());
      await uploadBlock(bucket, dir);
      await bucket.upload(`${id}/meta.json`, '{"ulid": "trunc');
      const res = await new MetaFetcher(bucket).fetch();
      assert.equal(res.metas.size, 0);
      assert.match(res.partial.get(id)!.reason, new RegExp(`corrupted meta.json: block ${id}: meta.json: invalid JSON`));
    });

    it("writes markers in Thanos's JSON shape, once", async () => {
      const bucket = await make();
      const { id, dir } = await syntheticBlock(await tmp());
      await uploadBlock(bucket, dir);
      const t = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
      assert.equal(await markForDeletion(bucket, id, "retention", t), true);
      assert.equal(text(await bucket.get(`${id}/deletion-mark.json`)), `{"id":"${id}","version":1,"details":"retention","deletion_time":${Math.floor(t / 1000)}}`);
      assert.equal(await markForDeletion(bucket, id, "again", t + 3600_000), false, "an existing mark stays");
      assert.deepEqual(await readDeletionMark(bucket, id), { id, version: 1, details: "retention", deletion_time: Math.floor(t / 1000) });

      assert.equal(await markNoCompact(bucket, id, "index-size-exceeding", "", t), true);
      assert.equal(text(await bucket.get(`${id}/no-compact-mark.json`)), `{"id":"${id}","version":1,"no_compact_time":${Math.floor(t / 1000)},"reason":"index-size-exceeding"}`);
      assert.equal((await readNoCompactMark(bucket, id))?.reason, "index-size-exceeding");
      assert.equal(await markNoDownsample(bucket, id, "manual", "by hand", t), true);
      assert.equal(text(await bucket.get(`${id}/no-downsample-mark.json`)), `{"id":"${id}","version":1,"details":"by hand","no_downsample_time":${Math.floor(t / 1000)},"reason":"manual"}`);
      assert.equal(await readDeletionMark(bucket, "01ARZ3NDEKTSV4RRFFQ69G5FAV"), undefined);
    });

    it("hides blocks marked for deletion longer ago than the delay, and young blocks", async () => {
      const bucket = await make();
      const parent = await tmp();
      const now = Date.now();
      const old = await syntheticBlock(parent, now - 10 * 3600_000);
      const fresh = await syntheticBlock(parent, now - 9 * 3600_000);
      const young = await syntheticBlock(parent, now - 60_000);
      const compacted = await syntheticBlock(parent, now - 60_000);
      for (const b of [old, fresh, young]) await uploadBlock(bucket, b.dir);
      await uploadBlock(bucket, compacted.dir, { source: "compactor" });
      await markForDeletion(bucket, old.id, "", now - 25 * 3600_000);
      await markForDeletion(bucket, fresh.id, "", now - 3600_000);
      await markNoCompact(bucket, fresh.id, "manual", "", now);
      await bucket.upload(`${young.id}/no-compact-mark.json`, "{broken");

      const all = await new MetaFetcher(bucket, { now: () => now }).fetch();
      assert.equal(all.metas.size, 4, "no filters: everything complete is visible");
      assert.deepEqual([...all.deletionMarks.keys()].sort(), [old.id, fresh.id].sort());
      assert.deepEqual([...all.noCompactMarks.keys()], [fresh.id]);
      assert.match(all.markerErrors.get(`${young.id}/no-compact`)!, /unmarshal marker JSON/);

      const store = await new MetaFetcher(bucket, { now: () => now, ignoreDeletionMarksDelayMs: 24 * 3600_000, consistencyDelayMs: 30 * 60_000 }).fetch();
      assert.deepEqual([...store.metas.keys()].sort(), [fresh.id, compacted.id].sort());
      assert.match(store.filtered.get(old.id)!, /marked for deletion/);
      assert.equal(store.filtered.get(young.id), "younger than the consistency delay");

      const custom = await new MetaFetcher(bucket, { filters: [(m) => (m.ulid === fresh.id ? "not this one" : undefined)] }).fetch();
      assert.equal(custom.filtered.get(fresh.id), "not this one");
      assert.equal(custom.metas.size, 3);
    });

    it("deletes meta.json first and deletion-mark.json last", async () => {
      const bucket = new RecordingBucket(await make());
      const { id, dir } = await syntheticBlock(await tmp());
      await uploadBlock(bucket, dir);
      await markForDeletion(bucket, id);
      await markNoCompact(bucket, id);
      bucket.ops.length = 0;
      await deleteBlock(bucket, id);
      const deletes = bucket.ops.map((o) => o.replace(/^delete /, ""));
      assert.equal(deletes[0], `${id}/meta.json`);
      assert.equal(deletes.at(-1), `${id}/deletion-mark.json`);
      assert.deepEqual(deletes.slice(1, -1).sort(), [`${id}/chunks/000001`, `${id}/chunks/000002`, `${id}/chunks/000003`, `${id}/index`, `${id}/no-compact-mark.json`]);
      assert.deepEqual(await iterAll(bucket, ""), []);
      const res = await new MetaFetcher(bucket).fetch();
      assert.equal(res.metas.size + res.partial.size, 0);
    });

    it("round-trips a promtool block: upload, download, promtool reads it back", async () => {
      const bucket = await make();
      const parent = await tmp();
      const [dir] = await promtoolBlocks(parent);
      const id = dir.split("/").pop()!;
      const meta = await uploadBlock(bucket, dir, { labels: { env: "test" } });
      assert.equal(meta.thanos?.source, "bucket.upload");
      const fetched = await new MetaFetcher(bucket).fetch();
      assert.deepEqual(fetched.metas.get(id), meta);

      const dlParent = `${parent}/dl`;
      await mkdir(`${dlParent}/wal`, { recursive: true }); // promtool tsdb dump wants a wal/ folder
      const got = await downloadBlock(bucket, id, `${dlParent}/${id}`);
      assert.deepEqual(got, meta);
      for (const f of ["index", "chunks/000001"]) assert.deepEqual(await readFile(`${dlParent}/${id}/${f}`), await readFile(`${dir}/${f}`), f);
      assert.deepEqual(parseMeta(await readFile(`${dlParent}/${id}/meta.json`, "utf8")), meta);
      await mkdir(`${parent}/blocks/wal`, { recursive: true });
      const original = execFileSync("promtool", ["tsdb", "dump", `${parent}/blocks`], { encoding: "utf8" });
      const roundTripped = execFileSync("promtool", ["tsdb", "dump", dlParent], { encoding: "utf8" });
      assert.ok(original.split("\n").length > 200);
      assert.equal(roundTripped, original);
    });
  });
}
