import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, truncate, writeFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  WALWriter,
  replayWAL,
  repairWAL,
  createCheckpoint,
  encodeSeries,
  decodeSeries,
  encodeSamples,
  decodeSamples,
  encodeTombstones,
  decodeTombstones,
  newSampleBatch,
  pushSample,
  segmentName,
  PAGE_SIZE,
  RECORD_SAMPLES,
  RECORD_SERIES,
} from "../../src/tsdb/wal/index.ts";

async function tmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), "aeon-wal-"));
}

// Deterministic pseudo-random bytes of a given size, partly compressible.
function record(i: number, size: number): Uint8Array {
  const b = new Uint8Array(size);
  let x = (i + 1) * 2654435761;
  for (let k = 0; k < size; k++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[k] = k % 3 === 0 ? (x >>> 24) & 0xff : i & 0xff;
  }
  return b;
}

async function readAll(dir: string) {
  const got: Uint8Array[] = [];
  const res = await replayWAL(dir, (r) => got.push(r.slice()));
  return { got, res };
}

test("records: series, samples, tombstones round trip", () => {
  const series = [
    { ref: 1, labels: [{ name: "__name__", value: "up" }, { name: "job", value: "prométheus" }] },
    { ref: 2 ** 40 + 7, labels: [] },
  ];
  assert.deepEqual(decodeSeries(encodeSeries(series)), series);

  const b = newSampleBatch(2);
  pushSample(b, 10, 1_700_000_000_000, 1.5);
  pushSample(b, 3, -5_000, -0);
  pushSample(b, 2 ** 45, 1_700_000_000_000 + 2 ** 33, NaN);
  pushSample(b, 10, 0, Infinity);
  const enc = encodeSamples(b).slice();
  assert.equal(enc[0], RECORD_SAMPLES);
  const d = decodeSamples(enc);
  assert.equal(d.n, 4);
  for (let i = 0; i < 4; i++) {
    assert.equal(d.refs[i], b.refs[i]);
    assert.equal(d.ts[i], b.ts[i]);
    assert.ok(Object.is(d.vs[i], b.vs[i]));
  }
  // Layout check against the Prometheus encoding: type, BE64 first ref, BE64 first ts, then
  // zig-zag varints (0, 0 for the first sample) and BE float bits.
  const dv = new DataView(enc.buffer);
  assert.equal(dv.getUint32(1) * 2 ** 32 + dv.getUint32(5), 10);
  assert.equal(enc[17], 0);
  assert.equal(enc[18], 0);
  assert.equal(dv.getFloat64(19), 1.5);

  const stones = [{ ref: 5, mint: -10, maxt: 2 ** 42 }];
  assert.deepEqual(decodeTombstones(encodeTombstones(stones)), stones);
  assert.equal(decodeSamples(encodeSamples(newSampleBatch())).n, 0);
});

test("WAL write/replay round trip across pages and segments, every compression", async () => {
  for (const compression of ["none", "snappy", "zstd"] as const) {
    const dir = await tmp();
    try {
      const w = await WALWriter.open(dir, { segmentSize: 4 * PAGE_SIZE, compression });
      const want: Uint8Array[] = [];
      const sizes = [0, 1, 10, 100, PAGE_SIZE - 7, PAGE_SIZE, 3 * PAGE_SIZE, 5000, 7, 40_000];
      for (let i = 0; i < 60; i++) {
        const r = record(i, sizes[i % sizes.length]);
        want.push(r);
        w.log(r);
        if (i % 7 === 0) await w.sync();
      }
      await w.close();
      const segs = (await readdir(dir)).filter((n) => /^\d{8}$/.test(n));
      assert.ok(segs.length >= 3, `expected several segments, got ${segs}`);
      for (const s of segs.slice(0, -1)) {
        const st = await stat(join(dir, s));
        assert.ok(st.size <= 4 * PAGE_SIZE && st.size % PAGE_SIZE === 0, `segment ${s} size ${st.size}`);
      }
      const { got, res } = await readAll(dir);
      assert.equal(res.corruption, undefined);
      assert.equal(got.length, want.length);
      for (let i = 0; i < want.length; i++) assert.deepEqual(got[i], want[i], `record ${i} (${compression})`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
});

test("WAL replay stops at a torn last page and repair keeps every earlier record", async () => {
  const dir = await tmp();
  try {
    const w = await WALWriter.open(dir, { compression: "none" });
    const want: Uint8Array[] = [];
    for (let i = 0; i < 20; i++) {
      want.push(record(i, 3000));
      w.log(want[i]);
    }
    await w.close();
    const path = join(dir, segmentName(0));
    const size = (await stat(path)).size;
    // Cut in the middle of the last record (a torn write).
    await truncate(path, size - 1000);
    let { got, res } = await readAll(dir);
    assert.ok(res.corruption, "torn tail must be reported");
    assert.equal(res.corruption!.segment, 0);
    assert.equal(got.length, 19);
    for (let i = 0; i < 19; i++) assert.deepEqual(got[i], want[i]);

    await repairWAL(res.corruption!);
    const w2 = await WALWriter.open(dir, { compression: "none" });
    assert.equal(w2.currentSegment, 1);
    w2.log(record(100, 50));
    await w2.close();
    ({ got, res } = await readAll(dir));
    assert.equal(res.corruption, undefined);
    assert.equal(got.length, 20);
    assert.deepEqual(got[19], record(100, 50));
    // The repaired segment was padded to whole pages so readers that concatenate segments work.
    assert.equal((await stat(path)).size % PAGE_SIZE, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("WAL replay detects a corrupted CRC in a multi-page record", async () => {
  const dir = await tmp();
  try {
    const w = await WALWriter.open(dir, { compression: "none" });
    w.log(record(1, 100));
    w.log(record(2, 2 * PAGE_SIZE)); // spans three pages
    w.log(record(3, 100));
    await w.close();
    const path = join(dir, segmentName(0));
    const b = await readFile(path);
    b[PAGE_SIZE + 500] ^= 0x55; // inside the middle fragment of record 2
    await writeFile(path, b);
    const { got, res } = await readAll(dir);
    assert.equal(got.length, 1);
    assert.match(res.corruption!.reason, /CRC mismatch/);
    assert.equal(res.corruption!.offset, 7 + 100);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("WAL zstd records are flagged with bit 4 and a corrupt one stops replay", async () => {
  const dir = await tmp();
  try {
    const w = await WALWriter.open(dir, { compression: "zstd" });
    const big = new Uint8Array(5000).fill(7); // compressible
    w.log(big, record(9, 10));
    await w.close();
    const b = await readFile(join(dir, segmentName(0)));
    assert.equal(b[0] & 0x18, 0x10, "first record zstd-flagged");
    const { got, res } = await readAll(dir);
    assert.equal(res.corruption, undefined);
    assert.deepEqual(got, [big, record(9, 10)]);
    // Break the zstd frame but fix up the fragment CRC: the decompressor must refuse it.
    const len = (b[1] << 8) | b[2];
    b[7] ^= 0xff; // zstd magic number
    const { crc32c } = await import("../../src/tsdb/encoding/crc32c.ts");
    new DataView(b.buffer, b.byteOffset).setUint32(3, crc32c(b, 7, 7 + len));
    await writeFile(join(dir, segmentName(0)), b);
    const again = await readAll(dir);
    assert.equal(again.got.length, 0);
    assert.match(again.res.corruption!.reason, /zstd/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("WAL: concurrent sync() callers share writes and all resolve", async () => {
  const dir = await tmp();
  try {
    const w = await WALWriter.open(dir);
    const ps: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      w.log(record(i, 200));
      ps.push(w.sync());
    }
    await Promise.all(ps);
    await w.close();
    const { got } = await readAll(dir);
    assert.equal(got.length, 50);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("WAL checkpoint keeps live series and recent samples, then old segments go", async () => {
  const dir = await tmp();
  try {
    const w = await WALWriter.open(dir);
    w.log(encodeSeries([{ ref: 1, labels: [{ name: "a", value: "1" }] }, { ref: 2, labels: [{ name: "a", value: "2" }] }]).slice());
    const b = newSampleBatch();
    for (let t = 0; t < 10; t++) {
      pushSample(b, 1, t * 1000, t);
      pushSample(b, 2, t * 1000, -t);
    }
    w.log(encodeSamples(b).slice());
    const seg = w.nextSegment();
    b.n = 0;
    pushSample(b, 1, 10_000, 10);
    w.log(encodeSamples(b).slice());
    await w.sync();
    const st = await createCheckpoint(dir, seg - 1, { keepSeries: (r) => r === 1, mint: 5000 });
    await w.removeSegmentsBefore(seg);
    await w.close();
    assert.equal(st.seriesKept, 1);
    assert.equal(st.samplesKept, 5);
    const types: number[] = [];
    const samples: Array<[number, number, number]> = [];
    const res = await replayWAL(dir, (rec) => {
      types.push(rec[0]);
      if (rec[0] === RECORD_SERIES) assert.deepEqual(decodeSeries(rec), [{ ref: 1, labels: [{ name: "a", value: "1" }] }]);
      if (rec[0] === RECORD_SAMPLES) {
        const d = decodeSamples(rec);
        for (let i = 0; i < d.n; i++) samples.push([d.refs[i], d.ts[i], d.vs[i]]);
      }
    });
    assert.equal(res.checkpoint, seg - 1);
    assert.deepEqual(samples, [5, 6, 7, 8, 9, 10].map((t) => [1, t * 1000, t]));
    assert.deepEqual(types, [RECORD_SERIES, RECORD_SAMPLES, RECORD_SAMPLES]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
