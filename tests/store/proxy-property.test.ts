// Property: whatever way series and chunks are spread over stores (with overlaps and replicas),
// the proxy returns the sorted union of series, each with the union of its distinct chunks.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { Series } from "../../src/gen/thanos/store/types_pb.ts";
import { MemoryStore } from "../../src/store/memory/index.ts";
import { ProxyStore } from "../../src/store/proxy/index.ts";
import type { StoreServer } from "../../src/store/types.ts";
import { collect, series, seriesReq, xorChunk } from "./fixtures.ts";

const JOBS = ["a", "b", "c", "d", "e", "f"];
const CHUNKS = [0, 1, 2, 3].map((k) => xorChunk(k * 1_000_000, 5 + k));

test("property: proxy merge equals the sorted union with distinct chunks", async () => {
  await fc.assert(
    fc.asyncProperty(
      // per store: a list of (job index, chunk index set)
      fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.subarray([0, 1, 2, 3], { minLength: 1 })), { maxLength: 6 }), {
        minLength: 1,
        maxLength: 4,
      }),
      async (stores) => {
        const want = new Map<string, Set<number>>();
        const servers: StoreServer[] = stores.map((entries) => {
          // A store has each series once: merge its own duplicates first.
          const own = new Map<number, Set<number>>();
          for (const [j, cs] of entries) for (const c of cs) (own.get(j) ?? own.set(j, new Set()).get(j)!).add(c);
          for (const [j, cs] of own) for (const c of cs) (want.get(JOBS[j]) ?? want.set(JOBS[j], new Set()).get(JOBS[j])!).add(c);
          return new MemoryStore({ series: [...own].map(([j, cs]) => series({ __name__: "m", job: JOBS[j] }, [...cs].map((c) => CHUNKS[c]))) });
        });
        const proxy = new ProxyStore({
          endpoints: () => servers.map((s, i) => ({ client: { name: `s${i}`, info: s.info.bind(s), series: s.series.bind(s), labelNames: s.labelNames.bind(s), labelValues: s.labelValues.bind(s) }, info: null })),
        });
        const got = (await collect(proxy.series(seriesReq()))).map((r) => r.result.value as Series);
        const jobs = [...want.keys()].sort();
        assert.deepEqual(got.map((s) => s.labels.find((l) => l.name === "job")!.value), jobs);
        for (const s of got) {
          const job = s.labels.find((l) => l.name === "job")!.value;
          assert.deepEqual(s.chunks.map((c) => Number(c.minTime) / 1_000_000), [...want.get(job)!].sort());
        }
      },
    ),
    { numRuns: 150 },
  );
});
