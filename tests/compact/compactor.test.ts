// The compactor pass in-process on a memory bucket, with blocks from our BlockWriter: overlap
// halts only its stream; vertical compaction with replica labels (one-to-one and penalty);
// retention; a corrupted input block; crashes at every step of a compaction followed by a
// clean pass (no sample lost or duplicated, no half block visible).
import { after, test } from "node:test";
import { rm } from "node:fs/promises";
import assert from "node:assert/strict";
import { markForDeletion, readDeletionMark, readNoCompactMark, readNoDownsampleMark, markNoDownsample } from "../../src/blockstore/index.ts";
import { CORRUPTED_BLOCK_REASON, type Compactor } from "../../src/compact/index.ts";
import { MemoryBucket } from "../../src/objstore/index.ts";
import { RES_5M } from "../../src/tsdb/index.ts";
import { CrashingBucket, expectedSamples, genSeries, newCompactor, uploadRange, visible, visibleSamples } from "./blocks.ts";
import { D, H, tempDir } from "./fixtures.ts";

const dirs: string[] = [];
async function scratch(): Promise<string> {
  const d = await tempDir("aeon-compact-");
  dirs.push(d);
  return d;
}
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const metricsOf = (c: Compactor) => c.metrics.registry.metricsText();
const T0 = Math.floor((Date.now() - 20 * D) / (2 * D)) * 2 * D;

test("overlapping blocks halt only their own stream; the other stream compacts", async () => {
  const bucket = new MemoryBucket();
  const dir = await scratch();
  const series = genSeries(3, T0, T0 + 10 * H, 60_000);
  await uploadRange(bucket, dir, series, T0, T0 + 10 * H, { cluster: "ok" });
  const bad = await uploadRange(bucket, dir, series, T0, T0 + 10 * H, { cluster: "bad" });
  const extra = await uploadRange(bucket, dir, series, T0 + H, T0 + 3 * H, { cluster: "bad" });
  const lines: string[] = [];
  const c = newCompactor(bucket, dir, {}, lines);
  const r = await c.runOnce();
  assert.equal(r.halted.size, 1);
  const log = lines.join("\n");
  assert.match(log, /halting stream: overlapping blocks found/);
  for (const id of [bad[0], bad[1], extra[0]]) assert.ok(log.includes(id), `log names ${id}`);
  assert.match(metricsOf(c), /^thanos_compact_halted 1$/m);
  const after = await visible(bucket);
  const ok = after.filter((m) => m.thanos?.labels.cluster === "ok");
  const badAfter = after.filter((m) => m.thanos?.labels.cluster === "bad");
  assert.equal(ok.length, 2, "ok stream: one 8h block + the newest 2h block");
  assert.equal(ok[0].compaction.level, 2);
  assert.equal(badAfter.length, 6, "bad stream untouched");
  assert.deepEqual(await visibleSamples(bucket, { cluster: "ok" }), expectedSamples(series));
  // The operator removes the duplicate data: the next pass re-checks, un-halts and compacts.
  await markForDeletion(bucket, extra[0], "manual");
  const r2 = await c.runOnce();
  assert.equal(r2.halted.size, 0);
  assert.match(metricsOf(c), /^thanos_compact_halted 0$/m);
  assert.deepEqual(await visibleSamples(bucket, { cluster: "bad" }), expectedSamples(series));
  assert.ok((await visible(bucket)).some((m) => m.thanos?.labels.cluster === "bad" && m.compaction.level === 2));
});

test("vertical compaction merges replica streams (one-to-one and penalty)", async () => {
  for (const func of ["", "penalty"] as const) {
    const bucket = new MemoryBucket();
    const dir = await scratch();
    const series = genSeries(4, T0, T0 + 10 * H, 30_000);
    // Replica b misses every 5th sample (a scrape gap); a has everything.
    const gappy = series.map((s) => ({ ...s, ts: s.ts.filter((_, i) => i % 5 !== 0), vs: s.vs.filter((_, i) => i % 5 !== 0) }));
    await uploadRange(bucket, dir, series, T0, T0 + 10 * H, { cluster: "eu", replica: "a" });
    await uploadRange(bucket, dir, gappy, T0, T0 + 10 * H, { cluster: "eu", replica: "b" });
    const c = newCompactor(bucket, dir, { replicaLabels: ["replica"], dedupFunc: func });
    const r = await c.runOnce();
    assert.equal(r.halted.size, 0);
    const after = await visible(bucket);
    assert.ok(after.every((m) => m.thanos?.labels.replica === undefined || m.compaction.level === 1));
    const merged = after.filter((m) => m.compaction.level > 1);
    assert.ok(merged.length >= 1);
    assert.deepEqual(merged[0].thanos?.labels, { cluster: "eu" });
    // No duplicates: every timestamp once, values as replica a had them (identical data).
    const got = await visibleSamples(bucket);
    assert.equal(new Set(got).size, got.length);
    const stamps = got.map((s) => s.slice(0, s.indexOf("=", s.indexOf("@"))));
    assert.equal(new Set(stamps).size, stamps.length, `${func || "one-to-one"}: duplicate timestamps`);
    if (func === "") assert.deepEqual(got, expectedSamples(series), "one-to-one keeps the union of identical samples");
    else {
      // Penalty dedup switches replicas only at gaps; it never invents samples.
      const all = new Set(expectedSamples(series));
      assert.ok(got.every((s) => all.has(s)));
      assert.ok(got.length >= expectedSamples(gappy).length);
    }
  }
});

test("retention marks and deletes blocks past the retention of their resolution", async () => {
  const bucket = new MemoryBucket();
  const dir = await scratch();
  const series = genSeries(2, T0, T0 + 4 * H, 60_000);
  await uploadRange(bucket, dir, series, T0, T0 + 2 * H, { cluster: "old" });
  const recent = Date.now() - 2 * H - (Date.now() % (2 * H));
  await uploadRange(bucket, dir, genSeries(2, recent - 2 * H, recent, 60_000), recent - 2 * H, recent, { cluster: "new" });
  const c = newCompactor(bucket, dir, { retention: { raw: 5 * D, fiveMinutes: 0, oneHour: 0 } });
  const r = await c.runOnce();
  assert.equal(r.deleted, 1);
  const after = await visible(bucket);
  assert.deepEqual(after.map((m) => m.thanos?.labels.cluster), ["new"]);
});

test("a corrupted input block is marked no-compact with its ID; the rest compacts", async () => {
  const bucket = new MemoryBucket();
  const dir = await scratch();
  const series = genSeries(3, T0, T0 + 12 * H, 60_000);
  const ids = await uploadRange(bucket, dir, series, T0, T0 + 12 * H, { cluster: "eu" });
  // Flip bytes inside the first chunk of block 2 (CRC mismatch).
  const seg = `${ids[1]}/chunks/000001`;
  const bytes = (await bucket.get(seg)).slice();
  for (let i = 20; i < 40; i++) bytes[i] ^= 0xff;
  await bucket.upload(seg, bytes);
  const lines: string[] = [];
  const c = newCompactor(bucket, dir, {}, lines);
  await c.runOnce();
  const mark = await readNoCompactMark(bucket, ids[1]);
  assert.equal(mark?.reason, CORRUPTED_BLOCK_REASON);
  assert.match(lines.join("\n"), new RegExp(`corrupted block.*block=${ids[1]}`));
  const after = await visible(bucket);
  assert.ok(after.some((m) => m.ulid === ids[1]), "corrupted block left in place");
  assert.ok(after.some((m) => m.compaction.level === 2 && m.compaction.sources.includes(ids[2])), "blocks after it were compacted");
  assert.ok(!after.some((m) => m.compaction.sources.includes(ids[1]) && m.ulid !== ids[1]));
});

test("downsampling honours --downsampling.disable and no-downsample marks", async () => {
  const bucket = new MemoryBucket();
  const dir = await scratch();
  const series = genSeries(2, T0, T0 + 2 * D + 4 * H, 120_000);
  await uploadRange(bucket, dir, series, T0, T0 + 2 * D + 4 * H, { cluster: "eu" }, 8 * H);
  await newCompactor(bucket, dir, { downsamplingDisabled: true }).runOnce();
  let after = await visible(bucket);
  const twoDay = after.find((m) => m.maxTime - m.minTime >= 40 * H);
  assert.ok(twoDay, "2d block");
  assert.equal(after.filter((m) => m.thanos?.downsample.resolution === RES_5M).length, 0);
  await markNoDownsample(bucket, twoDay.ulid);
  assert.ok(await readNoDownsampleMark(bucket, twoDay.ulid));
  await newCompactor(bucket, dir, { downsamplingDisabled: false }).runOnce();
  after = await visible(bucket);
  assert.equal(after.filter((m) => m.thanos?.downsample.resolution === RES_5M).length, 0, "no-downsample mark honoured");
  await bucket.delete(`${twoDay.ulid}/no-downsample-mark.json`);
  const c = newCompactor(bucket, dir, { downsamplingDisabled: false });
  assert.equal((await c.runOnce()).downsamples, 1);
  assert.equal((await c.runOnce()).downsamples, 0, "a 5m block covering the sources exists: no second copy");
  const ds = (await visible(bucket)).find((m) => m.thanos?.downsample.resolution === RES_5M)!;
  assert.deepEqual([ds.minTime, ds.maxTime, ds.compaction.level], [twoDay.minTime, twoDay.maxTime, twoDay.compaction.level]);
  assert.deepEqual(ds.compaction.sources, twoDay.compaction.sources);
});

// Crash points: partway through the new block's chunks, at its index, at its meta.json (the
// upload itself fails), at the first and at the second source's deletion mark, at the first
// delete. After each crash a fresh compactor with a healthy bucket finishes the job.
const crashPoints: [string, (op: string, name: string, newIds: Set<string>) => boolean][] = [
  ["chunk segment upload", (op, n, seen) => op === "upload" && /\/chunks\/000001$/.test(n) && !seen.has(n.slice(0, 26))],
  ["index upload", (op, n, seen) => op === "upload" && n.endsWith("/index") && !seen.has(n.slice(0, 26))],
  ["meta.json upload", (op, n, seen) => op === "upload" && n.endsWith("/meta.json") && !seen.has(n.slice(0, 26))],
  ["first deletion mark", (op, n) => op === "upload" && n.endsWith("/deletion-mark.json")],
  ["second deletion mark", (() => {
    let k = 0;
    return (op: string, n: string) => op === "upload" && n.endsWith("/deletion-mark.json") && ++k === 2;
  })()],
  ["first delete", (op) => op === "delete"],
];

for (const [name, crashOn] of crashPoints) {
  test(`crash at ${name}, then a clean pass: no sample lost or duplicated, no half block visible`, async () => {
    const inner = new MemoryBucket();
    const dir = await scratch();
    const series = genSeries(3, T0, T0 + 10 * H, 60_000);
    const ids = await uploadRange(inner, dir, series, T0, T0 + 10 * H, { cluster: "eu" });
    const known = new Set(ids);
    const crashing = new CrashingBucket(inner, (op, n) => crashOn(op, n, known));
    // The pass fails (or, for a failed delete, logs and carries on — deletions are retried);
    // either way nothing after the crash point reached the bucket.
    await newCompactor(crashing, dir)
      .runOnce()
      .catch((e: Error) => assert.match(e.message, /simulated crash/));
    assert.ok(crashing.dead, "the crash point was reached");
    // Between the crash and the restart, readers see old blocks (+ maybe the complete new one).
    const mid = await visibleSamples(inner);
    assert.deepEqual([...new Set(mid)].sort(), expectedSamples(series));
    const r = await newCompactor(inner, dir).runOnce();
    assert.equal(r.halted.size, 0);
    const after = await visible(inner);
    for (let i = 1; i < after.length; i++) assert.ok(after[i].minTime >= after[i - 1].maxTime, "visible blocks overlap");
    assert.deepEqual(await visibleSamples(inner), expectedSamples(series));
    assert.equal(after[0].compaction.level, 2, "the job completed");
    for (const id of ids.slice(0, 4)) assert.equal(await readDeletionMark(inner, id), undefined, `source ${id} deleted`);
  });
}

test("--compact.concurrency 2 compacts two streams side by side", async () => {
  const bucket = new MemoryBucket();
  const dir = await scratch();
  const series = genSeries(3, T0, T0 + 10 * H, 60_000);
  await uploadRange(bucket, dir, series, T0, T0 + 10 * H, { cluster: "a" });
  await uploadRange(bucket, dir, series, T0, T0 + 10 * H, { cluster: "b" });
  const r = await newCompactor(bucket, dir, { concurrency: 2 }).runOnce();
  assert.equal(r.compactions, 2);
  for (const cluster of ["a", "b"]) assert.deepEqual(await visibleSamples(bucket, { cluster }), expectedSamples(series));
});
