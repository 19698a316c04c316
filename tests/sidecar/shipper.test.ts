// The shipper over real promtool-written blocks and an in-memory bucket that records upload
// order: meta.json last with the thanos section, the state file in Thanos's format, no
// re-upload after a restart or a lost state file, retries after failures, compacted blocks only
// when asked.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { MemoryBucket, type UploadBody } from "../../src/objstore/index.ts";
import { nopLogger, Registry } from "../../src/observability/index.ts";
import { readShipperState, Shipper, SHIPPER_STATE_FILE } from "../../src/sidecar/index.ts";
import { parseMeta } from "../../src/tsdb/block/meta.ts";
import { promtoolBlocks } from "../store/bucket-fixtures.ts";
import { hasPromtool } from "../tsdb/fixtures.ts";

class RecordingBucket extends MemoryBucket {
  readonly uploads: string[] = [];
  failOn: ((name: string) => boolean) | undefined;
  override async upload(name: string, body: UploadBody): Promise<void> {
    if (this.failOn?.(name)) throw new Error(`injected failure uploading ${name}`);
    this.uploads.push(name);
    return super.upload(name, body);
  }
}

const ext = [
  { name: "cluster", value: "eu" },
  { name: "replica", value: "a" },
];

describe("shipper", { skip: !hasPromtool && "promtool not installed" }, () => {
  let dir: string;
  let db: string;
  let ids: string[];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "aeon-shipper-"));
    ({ db, ids } = await promtoolBlocks(dir));
    assert.ok(ids.length >= 2, "fixture has several blocks");
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const shipper = (bucket: RecordingBucket, opts: { uploadCompacted?: boolean; labels?: typeof ext; registry?: Registry } = {}) =>
    new Shipper({ dir: db, bucket, externalLabels: () => opts.labels ?? ext, logger: nopLogger, uploadCompacted: opts.uploadCompacted, registry: opts.registry });

  test("uploads every block, meta.json last, with the thanos section; records them", async () => {
    const bucket = new RecordingBucket();
    const registry = new Registry();
    const res = await shipper(bucket, { registry }).sync();
    assert.deepEqual(res, { uploaded: ids, failed: 0 });
    for (const id of ids) {
      const mine = bucket.uploads.filter((n) => n.startsWith(`${id}/`));
      assert.equal(mine.at(-1), `${id}/meta.json`, "meta.json is the block's last upload");
      assert.ok(mine.includes(`${id}/index`) && mine.includes(`${id}/chunks/000001`));
      const meta = parseMeta(new TextDecoder().decode(await bucket.get(`${id}/meta.json`)));
      assert.deepEqual(meta.thanos?.labels, { cluster: "eu", replica: "a" });
      assert.equal(meta.thanos?.source, "sidecar");
      assert.equal(meta.thanos?.downsample.resolution, 0);
      assert.deepEqual(meta.thanos?.files?.map((f) => f.rel_path), ["chunks/000001", "index", "meta.json"]);
    }
    assert.deepEqual(JSON.parse(await readFile(join(db, SHIPPER_STATE_FILE), "utf8")), { version: 1, uploaded: [...ids].sort() });
    assert.match(registry.metricsText(), new RegExp(`thanos_shipper_uploads_total ${ids.length}`));

    // A restarted shipper (new instance, same dir and bucket) uploads nothing.
    bucket.uploads.length = 0;
    assert.deepEqual(await shipper(bucket).sync(), { uploaded: [], failed: 0 });
    assert.deepEqual(bucket.uploads, []);

    // A lost state file is rebuilt from the bucket, again without uploads.
    await rm(join(db, SHIPPER_STATE_FILE));
    assert.deepEqual(await shipper(bucket).sync(), { uploaded: [], failed: 0 });
    assert.deepEqual(bucket.uploads, []);
    assert.deepEqual((await readShipperState(db))?.uploaded, [...ids].sort());
  });

  test("a failed block is retried on the next pass; the others still go up", async () => {
    await rm(join(db, SHIPPER_STATE_FILE), { force: true });
    const bucket = new RecordingBucket();
    bucket.failOn = (n) => n === `${ids[0]}/index`;
    const first = await shipper(bucket).sync();
    assert.deepEqual(first, { uploaded: ids.slice(1), failed: 1 });
    assert.equal(await bucket.exists(`${ids[0]}/chunks/000001`), false, "the partial upload was cleaned up");
    assert.ok(!(await readShipperState(db))?.uploaded.includes(ids[0]));
    bucket.failOn = undefined;
    assert.deepEqual(await shipper(bucket).sync(), { uploaded: [ids[0]], failed: 0 });
  });

  test("compacted blocks only with uploadCompacted; never without external labels", async () => {
    await rm(join(db, SHIPPER_STATE_FILE), { force: true });
    const metaPath = join(db, ids[0], "meta.json");
    const original = await readFile(metaPath, "utf8");
    try {
      const m = JSON.parse(original);
      m.compaction.level = 2;
      await writeFile(metaPath, JSON.stringify(m));
      assert.deepEqual((await shipper(new RecordingBucket()).sync()).uploaded, ids.slice(1));
      await rm(join(db, SHIPPER_STATE_FILE), { force: true });
      assert.deepEqual((await shipper(new RecordingBucket(), { uploadCompacted: true }).sync()).uploaded, ids);
    } finally {
      await writeFile(metaPath, original);
    }
    await rm(join(db, SHIPPER_STATE_FILE), { force: true });
    const bucket = new RecordingBucket();
    const res = await shipper(bucket, { labels: [] }).sync();
    assert.equal(res.failed, ids.length);
    assert.deepEqual(bucket.uploads, []);
  });
});
