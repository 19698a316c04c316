// TSDBStore over real LocalTSDBs (one per tenant): a block cut from the head plus the head
// itself, merged into one series per label set, with external labels, without_replica_labels,
// skip_chunks, chunk hashes, label APIs and Info.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { LocalTSDB, headBlockWriter, type WriteBatch } from "../../src/tsdb/head/index.ts";
import { fromRecord, sortLabels, type Labels } from "../../src/labels/index.ts";
import { TSDBStore, type TSDBTenant } from "../../src/store/tsdb/index.ts";
import { LabelNamesRequestSchema, LabelValuesRequestSchema, SeriesRequestSchema, type SeriesResponse } from "../../src/gen/thanos/store/rpc_pb.ts";
import { LabelMatcherSchema, LabelMatcher_Type } from "../../src/gen/thanos/store/types_pb.ts";
import { xorDecode } from "../../src/kernels/xor-ref.ts";
import { xxhash64 } from "../../src/codec/xxhash64.ts";

const H = 3600_000;
const STEP = 60_000;

function batch(names: string[], fromT: number, toT: number): WriteBatch {
  const series = [];
  const ts: number[] = [];
  const vs: number[] = [];
  for (let k = 0; k < names.length; k++) {
    const start = ts.length;
    for (let t = fromT; t < toT; t += STEP) {
      ts.push(t);
      vs.push(k * 1000 + t / STEP);
    }
    series.push({ labels: fromRecord({ __name__: "m", k: names[k] }), start, end: ts.length });
  }
  return { series, ts: Float64Array.from(ts), vs: Float64Array.from(vs) };
}

async function collect(store: TSDBStore, req: Parameters<typeof create<typeof SeriesRequestSchema>>[1]) {
  const out: Array<{ labels: Record<string, string>; samples: Array<[number, number]>; chunks: number; hashesOk: boolean; sortedChunks: boolean }> = [];
  for await (const r of store.series(create(SeriesRequestSchema, req)) as AsyncIterable<SeriesResponse>) {
    assert.equal(r.result.case, "series");
    const s = r.result.value!;
    const samples: Array<[number, number]> = [];
    let hashesOk = true;
    let sortedChunks = true;
    let prevMin = -Infinity;
    for (const c of s.chunks) {
      const d = xorDecode(c.raw!.data);
      for (let i = 0; i < d.ts.length; i++) samples.push([d.ts[i], d.vs[i]]);
      if (c.raw!.hash !== xxhash64(c.raw!.data)) hashesOk = false;
      if (Number(c.minTime) < prevMin) sortedChunks = false;
      prevMin = Number(c.minTime);
    }
    out.push({ labels: Object.fromEntries(s.labels.map((l) => [l.name, l.value])), samples, chunks: s.chunks.length, hashesOk, sortedChunks });
  }
  return out;
}

const eq = (name: string, value: string) => create(LabelMatcherSchema, { type: LabelMatcher_Type.EQ, name, value });

test("TSDBStore serves blocks + head of several tenants, merged and sorted", async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-tsdbstore-"));
  const dbs: LocalTSDB[] = [];
  try {
    const tenants: TSDBTenant[] = [];
    for (const name of ["team-b", "team-a"]) {
      const ext: Labels = sortLabels([...fromRecord({ replica: "r1", tenant_id: name })]);
      const db = await LocalTSDB.open(join(dir, name), { writeBlock: headBlockWriter(() => ({ version: 1, labels: { replica: "r1", tenant_id: name }, downsample: { resolution: 0 }, source: "receive" })) });
      dbs.push(db);
      tenants.push({ name, db, externalLabels: ext });
    }
    // team-a: 3.5h of data so the first 2h go into a block; team-b: 30 min in the head only.
    const a = tenants[1].db;
    for (let t = 0; t < 3.5 * H; t += H / 2) {
      a.append(batch(["x", "y"], t, t + H / 2));
      await a.commit();
      await a.cutBlockIfDue();
    }
    assert.equal((await a.blocks()).length, 1);
    tenants[0].db.append(batch(["x"], 0, H / 2));
    await tenants[0].db.commit();
    const store = new TSDBStore({ tenants: () => tenants });

    // Everything: 3 series sorted by full label sets (k before tenant_id), all samples once.
    const all = await collect(store, { minTime: 0n, maxTime: BigInt(10 * H), matchers: [eq("__name__", "m")] });
    assert.deepEqual(all.map((s) => [s.labels.tenant_id, s.labels.k]), [["team-a", "x"], ["team-b", "x"], ["team-a", "y"]]);
    assert.deepEqual(all[0].labels, { __name__: "m", k: "x", replica: "r1", tenant_id: "team-a" });
    const expect = (k: number, from: number, to: number) => {
      const o: Array<[number, number]> = [];
      for (let t = from; t < to; t += STEP) o.push([t, k * 1000 + t / STEP]);
      return o;
    };
    assert.deepEqual(all[0].samples, expect(0, 0, 3.5 * H)); // block chunks then head chunks
    assert.deepEqual(all[1].samples, expect(0, 0, H / 2));
    assert.deepEqual(all[2].samples, expect(1, 0, 3.5 * H));
    assert.ok(all.every((s) => s.hashesOk && s.sortedChunks));

    // Matchers on external labels select tenants; time range selects chunks.
    const onlyA = await collect(store, { minTime: BigInt(3 * H), maxTime: BigInt(4 * H), matchers: [eq("tenant_id", "team-a"), eq("k", "y")] });
    assert.equal(onlyA.length, 1);
    assert.ok(onlyA[0].samples.some(([t]) => t >= 3 * H));
    assert.ok(onlyA[0].samples.every(([t]) => t >= 2 * H)); // only head chunks overlap [3h, 4h]
    assert.deepEqual(await collect(store, { minTime: 0n, maxTime: BigInt(H), matchers: [eq("replica", "r2")] }), []);

    // without_replica_labels strips labels and keeps order; skip_chunks sends labels only.
    const noRep = await collect(store, { minTime: 0n, maxTime: BigInt(10 * H), matchers: [eq("k", "x")], withoutReplicaLabels: ["replica", "tenant_id"], skipChunks: true });
    assert.deepEqual(noRep.map((s) => s.labels), [{ __name__: "m", k: "x" }, { __name__: "m", k: "x" }]);
    assert.ok(noRep.every((s) => s.chunks === 0));

    // Limit.
    assert.equal((await collect(store, { minTime: 0n, maxTime: BigInt(10 * H), matchers: [eq("__name__", "m")], limit: 2n })).length, 2);

    // Label APIs include external labels and respect matchers.
    const names = await store.labelNames(create(LabelNamesRequestSchema, {}));
    assert.deepEqual(names.names, ["__name__", "k", "replica", "tenant_id"]);
    const vals = await store.labelValues(create(LabelValuesRequestSchema, { label: "k", matchers: [eq("tenant_id", "team-b")] }));
    assert.deepEqual(vals.values, ["x"]);
    const tv = await store.labelValues(create(LabelValuesRequestSchema, { label: "tenant_id" }));
    assert.deepEqual(tv.values, ["team-a", "team-b"]);

    // Info: one label set per tenant, open-ended max time, min time from the block.
    const info = await store.info();
    assert.equal(info.ComponentType, "receive");
    assert.equal(info.labelSets.length, 2);
    assert.equal(info.store!.minTime, 0n);
    assert.equal(info.store!.maxTime, 9223372036854775807n);
    assert.equal(info.store!.supportsWithoutReplicaLabels, true);
    assert.deepEqual(info.store!.tsdbInfos.map((t) => t.labels!.labels.find((l) => l.name === "tenant_id")!.value).sort(), ["team-a", "team-b"]);
    await store.close();
  } finally {
    for (const db of dbs) await db.close();
    await rm(dir, { recursive: true, force: true });
  }
});
