// The in-memory index cache's storage: values copied into shared slabs stay byte-exact through
// refreshes (a hit moves the value into the current slab) and evictions, big values get their
// own buffer, a caller's buffer is never pinned, dropBlock removes exactly one block's items, and
// slabs are freed once nothing lives in them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LruIndexCache } from "../../src/store/bucket/index.ts";
import { SLAB_BYTES, SLAB_MAX_VALUE, SlabStore } from "../../src/store/bucket/slab.ts";

const value = (i: number, n = 300 + (i % 200)) => Uint8Array.from({ length: n }, (_, k) => (i * 31 + k) & 255);
const A = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
const B = "01BX5ZZKBKACTAV9WEVGEMMVRZ";

test("values survive slab copies, refreshes and evictions byte for byte", async () => {
  const c = new LruIndexCache(4 << 20);
  for (let i = 0; i < 5000; i++) c.storeSeries(A, i, value(i));
  // Refresh every 7th entry repeatedly while adding more (moves them to newer slabs).
  for (let round = 0; round < 3; round++) {
    const hits = await c.fetchSeries(A, Array.from({ length: 5000 }, (_, i) => i).filter((i) => i % 7 === 0));
    for (const [r, v] of hits) assert.deepEqual(v, value(r), `ref ${r} round ${round}`);
    for (let i = 0; i < 2000; i++) c.storeSeries(B, round * 2000 + i, value(i + 7));
  }
  assert.ok(c.bytesUsed <= 4 << 20);
  const all = await c.fetchSeries(A, Array.from({ length: 5000 }, (_, i) => i));
  assert.ok(all.size > 0 && all.size < 5000, `some of A evicted, some kept (${all.size})`);
  for (const [r, v] of all) assert.deepEqual(v, value(r));
  // Refreshed entries outlived the others of their age.
  assert.ok([...all.keys()].filter((r) => r % 7 === 0).length > [...all.keys()].filter((r) => r % 7 === 1).length);
  const b = await c.fetchSeries(B, Array.from({ length: 6000 }, (_, i) => i));
  for (const [r, v] of b) assert.deepEqual(v, value((r % 2000) + 7));
});

test("big values get their own buffer; the caller's buffer is never kept", async () => {
  const c = new LruIndexCache(64 << 20);
  const big = value(1, SLAB_MAX_VALUE + 10);
  const backing = new Uint8Array(1000);
  backing.set(value(2, 500), 100);
  c.storePostings(A, { name: "job", value: "x" }, big);
  c.storeSeries(A, 1, backing.subarray(100, 600));
  backing.fill(0); // the cache holds copies
  big.fill(0);
  const p = (await c.fetchPostings(A, [{ name: "job", value: "x" }])).get("job\u0000x")!;
  assert.deepEqual(p, value(1, SLAB_MAX_VALUE + 10));
  assert.equal(p.buffer.byteLength, SLAB_MAX_VALUE + 10);
  const s = (await c.fetchSeries(A, [1])).get(1)!;
  assert.deepEqual(s, value(2, 500));
  assert.equal(s.buffer.byteLength, SLAB_BYTES);
});

test("dropBlock removes one block's postings and series only", async () => {
  const c = new LruIndexCache(64 << 20);
  for (let i = 0; i < 100; i++) {
    c.storeSeries(A, i, value(i));
    c.storeSeries(B, i, value(i));
  }
  c.storePostings(A, { name: "job", value: "x" }, value(1));
  c.storePostings(B, { name: "job", value: "x" }, value(2));
  const before = c.bytesUsed;
  c.dropBlock(A);
  assert.equal((await c.fetchSeries(A, [0, 1, 99])).size, 0);
  assert.equal((await c.fetchPostings(A, [{ name: "job", value: "x" }])).size, 0);
  assert.equal((await c.fetchSeries(B, [0, 1, 99])).size, 3);
  assert.deepEqual((await c.fetchPostings(B, [{ name: "job", value: "x" }])).get("job\u0000x"), value(2));
  assert.ok(c.bytesUsed < before / 2 + 1000 && c.bytesUsed > before / 2 - 1000, `${c.bytesUsed} of ${before}`);
});

test("slab store: values read back exactly; a slab is freed when its last value is", () => {
  const s = new SlabStore();
  const handles: number[] = [];
  for (let i = 0; i < 1000; i++) handles.push(s.put(value(i)));
  const perSlab = Math.floor(SLAB_BYTES / (2 + 500));
  assert.ok(s.slabCount >= Math.ceil(1000 / perSlab) - 1 && s.slabCount <= Math.ceil(1000 / (SLAB_BYTES / (2 + 300))) + 2, `${s.slabCount} slabs`);
  for (let i = 0; i < 1000; i++) assert.deepEqual(s.get(handles[i]), value(i));
  const before = s.slabCount;
  // Free all but one value of the first slabs: they stay; free the last one: they go.
  for (let i = 0; i < 500; i++) if (i % 100 !== 0) s.free(handles[i]);
  const pinned = s.slabCount;
  assert.ok(pinned <= before);
  for (let i = 0; i < 500; i += 100) s.free(handles[i]);
  assert.ok(s.slabCount < pinned, `${s.slabCount} < ${pinned}`);
  for (let i = 500; i < 1000; i++) assert.deepEqual(s.get(handles[i]), value(i));
  for (let i = 500; i < 1000; i++) s.free(handles[i]);
  assert.ok(s.slabCount <= 1, "only the current slab may remain");
});

test("a cache churned far past its bound keeps its slabs bounded too", async () => {
  const c = new LruIndexCache(1 << 20);
  for (let i = 0; i < 50_000; i++) {
    c.storeSeries(A, i, value(i));
    if (i % 3 === 0) await c.fetchSeries(A, [i - 100]); // refreshes move values to the current slab
  }
  assert.ok(c.bytesUsed <= 1 << 20);
  // Real bytes held in slabs stay within a few slabs of the accounted value bytes.
  assert.ok(c.slabBytes <= (1 << 20) + 4 * SLAB_BYTES, `${c.slabBytes} bytes of slabs`);
});
