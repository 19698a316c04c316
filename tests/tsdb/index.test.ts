import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { compareLabels, compareStrings, getLabel, newMatcher, type Label, type Matcher, type MatchType } from "../../src/labels/index.ts";
import { CountingByteSource, FileByteSource, MemoryByteSource, type ByteSource } from "../../src/tsdb/bytesource/index.ts";
import { IndexReader, IndexWriter, type ChunkMeta } from "../../src/tsdb/index/index.ts";
import { CorruptionError } from "../../src/tsdb/errors.ts";

interface S {
  labels: Label[];
  chunks: ChunkMeta[];
}

function makeSeries(n: number, seed = 1): S[] {
  // mulberry32: deterministic and exact in 32-bit integer arithmetic.
  let x = seed >>> 0;
  const rnd = (k: number) => {
    x = (x + 0x6d2b79f5) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) % k;
  };
  const names = ["up", "http_requests_total", "node_cpu_seconds_total", "ünïcode_metric"];
  const out = new Map<string, Label[]>();
  while (out.size < n) {
    const ls: Label[] = [{ name: "__name__", value: names[rnd(names.length)] }];
    if (rnd(5) > 0) ls.push({ name: "job", value: ["a", "b", "c", "api-server"][rnd(4)] });
    ls.push({ name: "instance", value: `10.0.0.${rnd(20)}:9100` });
    if (rnd(3) === 0) ls.push({ name: "env", value: ["prod", "dev", "staging"][rnd(3)] });
    if (rnd(4) === 0) ls.push({ name: "path", value: ["/", "/api/v1/query", "/metrics", "a.b*c", "日本"][rnd(5)] });
    ls.push({ name: "shard", value: String(rnd(1000)) });
    ls.sort((a, b) => compareStrings(a.name, b.name));
    out.set(JSON.stringify(ls), ls);
  }
  const series = [...out.values()].sort(compareLabels);
  let ref = 8;
  return series.map((labels) => {
    const chunks: ChunkMeta[] = [];
    let t = -5000 + rnd(100000);
    for (let k = rnd(4); k >= 0; k--) {
      const minTime = t;
      const maxTime = t + rnd(7200000);
      chunks.push({ ref, minTime, maxTime });
      ref += 50 + rnd(200);
      t = maxTime + 1 + rnd(1000);
    }
    return { labels, chunks };
  });
}

async function buildIndex(series: S[]): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), "aeon-index-"));
  try {
    const w = await IndexWriter.create(join(dir, "index"));
    const syms = new Set<string>();
    for (const s of series) for (const l of s.labels) syms.add(l.name).add(l.value);
    await w.addSymbols([...syms].sort(compareStrings));
    for (const s of series) await w.addSeries(s.labels, s.chunks);
    await w.close();
    return new Uint8Array(await readFile(join(dir, "index")));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const M = (t: MatchType, n: string, v: string) => newMatcher(t, n, v);
const MATCHER_TABLE: Matcher[][] = [
  [],
  [M("=", "__name__", "up")],
  [M("=", "job", "a")],
  [M("!=", "job", "a")],
  [M("=", "job", "")],
  [M("!=", "job", "")],
  [M("=~", "job", "a|b")],
  [M("=~", "job", "a.*")],
  [M("!~", "job", "a|b")],
  [M("=~", "job", "")],
  [M("=~", "job", "|a")],
  [M("=~", "job", ".*")],
  [M("=~", "job", ".+")],
  [M("!~", "job", ".*")],
  [M("!~", "job", "")],
  [M("!~", "job", ".+")],
  [M("=~", "env", "prod|")],
  [M("!~", "env", "prod|dev")],
  [M("=~", "__name__", "http_.*|node_.*"), M("!=", "job", "c")],
  [M("=~", "__name__", ".*_total"), M("=", "env", "")],
  [M("=~", "instance", "10\\.0\\.0\\.[12]:9100")],
  [M("=~", "instance", "10\\.0\\.0\\.1.*"), M("!~", "instance", ".*5:9100")],
  [M("=", "nonexistent", "")],
  [M("=", "nonexistent", "x")],
  [M("!=", "nonexistent", "x")],
  [M("!=", "nonexistent", "")],
  [M("=~", "nonexistent", ".*")],
  [M("=~", "nonexistent", ".+")],
  [M("=", "path", "日本")],
  [M("=~", "path", "a\\.b\\*c|/")],
  [M("=~", "path", "(?i)/API.*")],
  [M("=", "__name__", "ünïcode_metric"), M("=~", "job", "api-.*|")],
  [M("=", "job", "a"), M("=", "job", "b")],
  [M("=~", "shard", "1.*"), M("!~", "shard", "1[0-4].*"), M("!=", "env", "dev")],
];

function bruteForce(series: S[], ms: Matcher[]): number[] {
  const out: number[] = [];
  series.forEach((s, i) => {
    if (ms.every((m) => m.matches(getLabel(s.labels, m.name)))) out.push(i);
  });
  return out;
}

// Tiny stream pieces make the walk over the symbol table and postings offset table at open
// refill (and compact) its buffer in the middle of entries; a file source reads into it.
const VARIANTS = [
  { name: "symbols in memory", inMemoryMaxBytes: 1 << 20 },
  { name: "symbols paged", inMemoryMaxBytes: 0 },
  { name: "symbols paged, 13-byte stream pieces", inMemoryMaxBytes: 0, streamPiece: 13 },
  { name: "symbols in memory, file source, 7-byte stream pieces", inMemoryMaxBytes: 1 << 20, streamPiece: 7, file: true },
];
for (const { name: variant, inMemoryMaxBytes, streamPiece, file } of VARIANTS) {
  test(`index v2 round trip and matcher table vs brute force (${variant})`, async (t) => {
    const series = makeSeries(3000);
    const bytes = await buildIndex(series);
    let src: ByteSource = new MemoryByteSource(bytes);
    if (file) {
      const dir = await mkdtemp(join(tmpdir(), "aeon-index-file-"));
      t.after(() => rm(dir, { recursive: true, force: true }));
      await writeFile(join(dir, "index"), bytes);
      src = await FileByteSource.open(join(dir, "index"));
      t.after(() => src.close?.());
    }
    const r = await IndexReader.open(src, { inMemoryMaxBytes, block: "B", streamPiece });
    assert.equal(r.symbols.inMemory, inMemoryMaxBytes > 0);
    const all = await r.allPostings();
    assert.equal(all.length, series.length);
    const entries = await r.seriesMany(all);
    const refOf = new Map<number, number>();
    entries.forEach((e, i) => {
      assert.deepEqual(e.labels, series[i].labels);
      assert.deepEqual(e.chunks, series[i].chunks);
      refOf.set(i, e.ref);
    });
    assert.deepEqual(await r.series(all[17]), entries[17]);

    const names = new Set<string>();
    for (const s of series) for (const l of s.labels) names.add(l.name);
    assert.deepEqual(r.labelNames(), [...names].sort(compareStrings));
    for (const n of names) {
      const vals = new Set(series.map((s) => getLabel(s.labels, n)).filter((v) => v !== ""));
      assert.deepEqual(await r.labelValues(n), [...vals].sort(compareStrings), `values of ${n}`);
    }
    assert.deepEqual(await r.labelValues("nonexistent"), []);

    for (const ms of MATCHER_TABLE) {
      const want = bruteForce(series, ms).map((i) => refOf.get(i)!);
      const got = [...(await r.postings(ms))];
      assert.deepEqual(got, want, `matchers {${ms.map(String).join(", ")}}`);
    }
    // label values restricted by matchers
    const ms = [M("=", "__name__", "up"), M("=~", "env", "prod|dev")];
    const sel = bruteForce(series, ms);
    const jobs = new Set(sel.map((i) => getLabel(series[i].labels, "job")).filter((v) => v));
    assert.deepEqual(await r.labelValues("job", ms), [...jobs].sort(compareStrings));
  });
}

test("random matchers agree with brute force (property)", async () => {
  const series = makeSeries(400, 7);
  const bytes = await buildIndex(series);
  const r = await IndexReader.open(new MemoryByteSource(bytes));
  const refs = await r.allPostings();
  const name = fc.constantFrom("__name__", "job", "env", "path", "instance", "nope");
  const value = fc.constantFrom("", "a", "b", "prod", "up", "/", ".*", ".+", "a|b", "10.0.0.1:9100", "p.*", "|dev", "[ab]", "x");
  const matcher = fc.tuple(fc.constantFrom<MatchType>("=", "!=", "=~", "!~"), name, value).map(([t, n, v]) => M(t, n, v));
  await fc.assert(
    fc.asyncProperty(fc.array(matcher, { minLength: 1, maxLength: 3 }), async (ms) => {
      const want = bruteForce(series, ms).map((i) => refs[i]);
      assert.deepEqual([...(await r.postings(ms))], want);
    }),
    { numRuns: 150 },
  );
});

test("reader works from range reads: a lookup touches a small part of a large index", async () => {
  const series = makeSeries(20000, 3);
  const bytes = await buildIndex(series);
  const counting = new CountingByteSource(new MemoryByteSource(bytes));
  const r = await IndexReader.open(counting, { inMemoryMaxBytes: 0 });
  const afterOpen = counting.bytesRead;
  const p = await r.postings([M("=", "shard", "123"), M("=", "__name__", "up")]);
  const s = await r.seriesMany(p);
  assert.ok(s.length > 0);
  const forQuery = counting.bytesRead - afterOpen;
  assert.ok(forQuery < bytes.length / 20, `query read ${forQuery} of ${bytes.length} bytes`);
  // Opening streams the symbol and postings-offset tables once but never the series section.
  assert.ok(afterOpen < bytes.length / 2, `open read ${afterOpen} of ${bytes.length} bytes`);
});

test("index damage is reported with block and file, never wrong data", async () => {
  const series = makeSeries(300, 5);
  const bytes = await buildIndex(series);
  const good = await IndexReader.open(new MemoryByteSource(bytes));
  const toc = good.toc;
  const open = (b: Uint8Array) => IndexReader.open(new MemoryByteSource(b), { block: "01BLOCK" });
  const flip = (at: number) => {
    const b = bytes.slice();
    b[at] ^= 0x5a;
    return b;
  };
  const isCorrupt = (re: RegExp) => (e: unknown) => {
    assert.ok(e instanceof CorruptionError, String(e));
    assert.equal(e.block, "01BLOCK");
    assert.equal(e.file, "index");
    assert.match(e.message, re);
    return true;
  };
  // Truncated: the TOC no longer sits at the end.
  await assert.rejects(open(bytes.subarray(0, bytes.length - 100)), isCorrupt(/TOC checksum mismatch/));
  await assert.rejects(open(bytes.subarray(0, 20)), isCorrupt(/too short/));
  await assert.rejects(open(flip(1)), isCorrupt(/invalid magic/));
  // Symbol table and postings offset table are verified at open.
  await assert.rejects(open(flip(toc.symbols + 12)), isCorrupt(/symbol table.*(checksum|symbols)/));
  await assert.rejects(open(flip(toc.postingsTable + 20)), isCorrupt(/postings offset table/));
  // Series section: a flipped byte inside an entry fails its CRC when read.
  const all = await good.allPostings();
  const r1 = await open(flip(all[10] * 16 + 3));
  await assert.rejects(r1.seriesMany(all), isCorrupt(/series at offset \d+ .*checksum mismatch/));
  await r1.series(all[11]); // the neighbours are intact
  // Postings: flip a byte inside the all-postings list.
  const r2 = await open(flip(toc.postings + 12));
  await assert.rejects(r2.allPostings(), isCorrupt(/postings list .*checksum mismatch/));
  await assert.rejects(r2.postings([]), CorruptionError);
  // Out-of-range series refs.
  await assert.rejects(good.series(bytes.length), /outside the series section/);
});
