// Hashring placement: the series hash, hashmod and ketama (distribution, distinct replicas,
// stability when the ring changes), the multi-tenant ring, config parsing, quorum arithmetic.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromRecord, type Labels } from "../../src/labels/index.ts";
import {
  HashmodRing,
  HashringWatcher,
  KetamaRing,
  MultiHashring,
  globToRegExp,
  parseHashringsConfig,
  seriesHash,
  stringHash,
  type Endpoint,
} from "../../src/receive/hashring/index.ts";
import { writeQuorum, quorumFailureStatus } from "../../src/receive/forward/index.ts";
import { xxhash64 } from "../../src/codec/xxhash64.ts";

const eps = (...a: string[]): Endpoint[] => a.map((address) => ({ address, az: "" }));
const series = (i: number): Labels => fromRecord({ __name__: "m", instance: `host-${i}`, job: "j" });

test("series hash is xxhash64 over tenant 0xFF (name 0xFF value 0xFF)*", () => {
  const ls = fromRecord({ a: "1", b: "xyz" });
  const bytes = new Uint8Array([...Buffer.from("t1"), 0xff, ...Buffer.from("a"), 0xff, ...Buffer.from("1"), 0xff, ...Buffer.from("b"), 0xff, ...Buffer.from("xyz"), 0xff]);
  assert.equal(seriesHash("t1", ls), xxhash64(bytes));
  assert.notEqual(seriesHash("t2", ls), seriesHash("t1", ls));
  assert.equal(stringHash("host:1"), xxhash64(Buffer.from("host:1")));
  // Non-ASCII goes in as UTF-8.
  assert.equal(seriesHash("é", []), xxhash64(new Uint8Array([0xc3, 0xa9, 0xff])));
});

test("hashmod: endpoints sorted by address, replica n at (hash + n) mod N", () => {
  const ring = new HashmodRing(eps("c:1", "a:1", "b:1"));
  assert.deepEqual(ring.nodes().map((e) => e.address), ["a:1", "b:1", "c:1"]);
  const sorted = ["a:1", "b:1", "c:1"];
  const counts = new Map<string, number>();
  for (let i = 0; i < 3000; i++) {
    const h = seriesHash("t", series(i));
    for (let n = 0; n < 3; n++) assert.equal(ring.getN("t", series(i), n), sorted[Number((h + BigInt(n)) % 3n)]);
    const got = [0, 1, 2].map((n) => ring.getN("t", series(i), n));
    assert.equal(new Set(got).size, 3); // replicas distinct
    counts.set(got[0], (counts.get(got[0]) ?? 0) + 1);
  }
  for (const c of counts.values()) assert.ok(c > 800 && c < 1200, `uneven hashmod distribution ${[...counts.values()]}`);
  assert.throws(() => ring.getN("t", series(1), 3), /insufficient nodes/);
  // Order of the config does not matter.
  const other = new HashmodRing(eps("b:1", "c:1", "a:1"));
  for (let i = 0; i < 100; i++) assert.equal(other.getN("t", series(i), 0), ring.getN("t", series(i), 0));
  assert.throws(() => new HashmodRing([{ address: "a:1", az: "z" }]), /does not support AZ/);
});

test("ketama: even distribution, distinct replicas, few moves when a node joins", () => {
  const five = eps("r0:10901", "r1:10901", "r2:10901", "r3:10901", "r4:10901");
  const ring = new KetamaRing(five, 3);
  const counts = new Map<string, number>();
  const N = 10_000;
  for (let i = 0; i < N; i++) {
    const got = [0, 1, 2].map((n) => ring.getN("t", series(i), n));
    assert.equal(new Set(got).size, 3, `replicas not distinct: ${got}`);
    counts.set(got[0], (counts.get(got[0]) ?? 0) + 1);
  }
  assert.equal(counts.size, 5);
  for (const c of counts.values()) assert.ok(c > N / 5 * 0.8 && c < N / 5 * 1.2, `uneven ketama distribution ${[...counts.values()]}`);

  // Replica 0 is the owner of the first point >= hash.
  const points: Array<[bigint, string]> = [];
  for (const e of five) for (let i = 1; i <= 1000; i++) points.push([stringHash(`${e.address}:${i}`), e.address]);
  points.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (let i = 0; i < 200; i++) {
    const h = seriesHash("t", series(i));
    const p = points.find(([x]) => x >= h) ?? points[0];
    assert.equal(ring.getN("t", series(i), 0), p[1]);
  }

  // Adding a sixth node moves only about 1/6 of the primaries, and only onto the new node.
  const six = new KetamaRing([...five, { address: "r5:10901", az: "" }], 3);
  let moved = 0;
  for (let i = 0; i < N; i++) {
    const a = ring.getN("t", series(i), 0);
    const b = six.getN("t", series(i), 0);
    if (a !== b) {
      moved++;
      assert.equal(b, "r5:10901");
    }
  }
  assert.ok(moved > N * 0.1 && moved < N * 0.25, `moved ${moved}`);
  assert.throws(() => new KetamaRing(eps("a:1"), 2), /cannot hold 2 replicas/);
});

test("ketama with AZs: replicas spread over zones first", () => {
  const e: Endpoint[] = [
    { address: "a1:1", az: "a" },
    { address: "a2:1", az: "a" },
    { address: "b1:1", az: "b" },
    { address: "b2:1", az: "b" },
  ];
  const ring = new KetamaRing(e, 2);
  const az = new Map(e.map((x) => [x.address, x.az]));
  for (let i = 0; i < 2000; i++) {
    const [r0, r1] = [ring.getN("t", series(i), 0), ring.getN("t", series(i), 1)];
    assert.notEqual(az.get(r0), az.get(r1));
  }
});

test("multi-ring picks the ring by tenant (exact, glob, default)", () => {
  const cfg = parseHashringsConfig(
    JSON.stringify([
      { hashring: "gold", tenants: ["gold-1"], endpoints: ["g:1"] },
      { hashring: "teams", tenants: ["team-*"], tenant_matcher_type: "glob", endpoints: [{ address: "t:1" }], algorithm: "ketama" },
      { hashring: "default", endpoints: ["d1:1", "d2:1"] },
    ]),
  );
  assert.equal(cfg[1].algorithm, "ketama");
  const m = new MultiHashring(cfg, "hashmod", 1);
  assert.equal(m.getN("gold-1", series(1), 0), "g:1");
  assert.equal(m.getN("team-x", series(1), 0), "t:1");
  assert.ok(["d1:1", "d2:1"].includes(m.getN("other", series(1), 0)));
  assert.deepEqual(m.nodes().map((n) => n.address), ["d1:1", "d2:1", "g:1", "t:1"]);
  assert.ok(globToRegExp("team-[ab]?").test("team-a1"));
  assert.ok(!globToRegExp("team-*").test("team-a/b"));
});

test("hashrings config errors are clear", () => {
  assert.throws(() => parseHashringsConfig("{"), /not valid JSON/);
  assert.throws(() => parseHashringsConfig("{}"), /JSON array/);
  assert.throws(() => parseHashringsConfig('[{"endpoints": []}]'), /non-empty/);
  assert.throws(() => parseHashringsConfig('[{"endpoints": ["a:1"], "algorithm": "rendezvous"}]'), /unknown algorithm/);
  assert.throws(() => parseHashringsConfig('[{"endpoints": ["a:1", "a:1"]}]'), /listed twice/);
});

test("watcher reloads the file on change and keeps the last good ring", async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-ring-"));
  try {
    const file = join(dir, "hashrings.json");
    await writeFile(file, JSON.stringify([{ endpoints: ["a:1"] }]));
    const events: boolean[] = [];
    const w = new HashringWatcher({ file, algorithm: "hashmod", replicationFactor: 1, intervalMs: 3_600_000, onReload: (ok) => events.push(ok) });
    await w.start();
    assert.equal(w.current!.getN("t", series(1), 0), "a:1");
    await writeFile(file, JSON.stringify([{ endpoints: ["b:1"] }]));
    assert.equal(await w.reload(false), true);
    assert.equal(w.current!.getN("t", series(1), 0), "b:1");
    await writeFile(file, "not json");
    assert.equal(await w.reload(false), true); // still has the previous ring
    assert.equal(w.current!.getN("t", series(1), 0), "b:1");
    assert.deepEqual(events, [true, true, false]);
    w.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("write quorum and failure status", () => {
  assert.deepEqual([1, 2, 3, 4, 5].map(writeQuorum), [1, 1, 2, 3, 3]);
  assert.equal(quorumFailureStatus([503, 409]), 503);
  assert.equal(quorumFailureStatus([409, 409]), 409);
  assert.equal(quorumFailureStatus([400, 409, 400]), 400);
});
