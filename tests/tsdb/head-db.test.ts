import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { LocalTSDB, headBlockWriter, type WriteBatch } from "../../src/tsdb/head/index.ts";
import { fromRecord, newMatcher } from "../../src/labels/index.ts";
import { openBlockDir } from "../../src/tsdb/block/reader.ts";
import { iterSeriesSamples } from "../../src/tsdb/block/samples.ts";

const H = 3600_000;
const STEP = 60_000;

// Three series, one sample per minute over [0, hours).
function batch(fromT: number, toT: number): WriteBatch {
  const series = [];
  const ts: number[] = [];
  const vs: number[] = [];
  for (let k = 0; k < 3; k++) {
    const start = ts.length;
    for (let t = fromT; t < toT; t += STEP) {
      ts.push(t);
      vs.push(k * 1e6 + t / STEP + 0.25);
    }
    series.push({ labels: fromRecord({ __name__: "m", k: String(k) }), start, end: ts.length });
  }
  return { series, ts: Float64Array.from(ts), vs: Float64Array.from(vs) };
}

function expected(k: number, fromT: number, toT: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let t = fromT; t < toT; t += STEP) out.push([t, k * 1e6 + t / STEP + 0.25]);
  return out;
}

function headSamples(db: LocalTSDB, k: number): Array<[number, number]> {
  const s = db.head.selectSamples([newMatcher("=", "k", String(k))], -Infinity, Infinity)[0];
  return s ? [...s.ts].map((t, i) => [t, s.vs[i]]) : [];
}

test("TSDB cuts a 2h block when the head spans > 3h, truncates head and WAL, replays the rest", async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-db-"));
  try {
    const db = await LocalTSDB.open(dir, { writeBlock: headBlockWriter(() => ({ labels: { tenant_id: "t" }, downsample: { resolution: 0 }, source: "receive" })) });
    // Written in 30-minute requests, as a sender would.
    for (let t = 0; t < 3.5 * H; t += H / 2) {
      const s = db.append(batch(t, t + H / 2));
      assert.equal(s.appended, 90);
      await db.commit();
      await db.cutBlockIfDue();
    }
    const blocks = (await readdir(dir)).filter((n) => /^[0-9A-Z]{26}$/.test(n));
    assert.equal(blocks.length, 1);
    assert.deepEqual(await db.blocks(), [join(dir, blocks[0])]);
    const meta = JSON.parse(await readFile(join(dir, blocks[0], "meta.json"), "utf8"));
    assert.equal(meta.minTime, 0);
    assert.equal(meta.maxTime, 2 * H);
    assert.equal(meta.stats.numSamples, 3 * 120);
    assert.deepEqual(meta.thanos.labels, { tenant_id: "t" });
    assert.equal(db.head.minTime, 2 * H);
    assert.deepEqual(headSamples(db, 1), expected(1, 2 * H, 3.5 * H));
    const walNames = await readdir(join(dir, "wal"));
    assert.ok(walNames.some((n) => n.startsWith("checkpoint.")), `checkpoint in ${walNames}`);

    const block = await openBlockDir(join(dir, blocks[0]));
    const fromBlock: Array<[number, number]> = [];
    for await (const s of iterSeriesSamples(block, [newMatcher("=", "k", "2")])) for (let i = 0; i < s.ts.length; i++) fromBlock.push([s.ts[i], s.vs[i]]);
    assert.deepEqual(fromBlock, expected(2, 0, 2 * H));
    await block.close?.();
    await db.close();

    // Restart: the head comes back from checkpoint + segments, nothing before the block's end.
    const db2 = await LocalTSDB.open(dir, {});
    assert.equal(db2.head.minValidTime, 2 * H);
    for (let k = 0; k < 3; k++) assert.deepEqual(headSamples(db2, k), expected(k, 2 * H, 3.5 * H));
    assert.equal(db2.append(batch(H, H + STEP)).tooOld, 3);
    await db2.close();

    // Prometheus itself reads our blocks and our WAL (checkpoint + segments): promtool's dump
    // opens the directory as a read-only DB, loading blocks and replaying the WAL into its head.
    if (existsSync("/usr/bin/promtool")) {
      const { stdout } = await promisify(execFile)("/usr/bin/promtool", ["tsdb", "dump", dir], { maxBuffer: 64 << 20 });
      const lines = stdout.trim().split("\n");
      for (let k = 0; k < 3; k++) {
        const mine = lines.filter((l) => l.startsWith(`{__name__="m", k="${k}"}`)).map((l) => l.split(" ").slice(-2).map(Number));
        assert.deepEqual(mine.map(([v, t]) => [t, v]), expected(k, 0, 3.5 * H), `series k=${k} as promtool reads it`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
