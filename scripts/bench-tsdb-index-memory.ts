// Memory check for the block reader: writes a block of 100k series (1 chunk each), then, each
// in a fresh process, measures peak RSS for
//   baseline  - the same imports, no work;
//   range     - IndexReader over a file ByteSource: open, select all series, read every series
//               entry (labels + chunk refs) in batches of 1024, plus a selective query;
//               symbol table kept in memory (default: it is under 8 MiB);
//   paged     - the same with the symbol table paged too (inMemoryMaxBytes 0);
//   whole     - the same reads with the whole index file loaded into memory first.
// Usage: node --import tsx scripts/bench-tsdb-index-memory.ts [SERIES=100000]
// Peak RSS comes from process.resourceUsage().maxRSS (kB).
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compareLabels, newMatcher, type Label } from "../src/labels/index.ts";
import { BlockWriter, openBlockDir } from "../src/tsdb/block/index.ts";
import { CountingByteSource, FileByteSource, MemoryByteSource, type ByteSource } from "../src/tsdb/bytesource/index.ts";
import { IndexReader } from "../src/tsdb/index/index.ts";

const self = fileURLToPath(import.meta.url);
const [mode = "main", arg = "100000"] = process.argv.slice(2);

function seriesLabels(n: number): Label[][] {
  const out: Label[][] = [];
  for (let i = 0; i < n; i++) {
    out.push([
      { name: "__name__", value: `metric_${i % 100}` },
      { name: "instance", value: `10.1.${(i >> 8) & 255}.${i & 255}:9100` },
      { name: "job", value: `job-${i % 10}` },
      { name: "pod", value: `pod-${(i * 2654435761) >>> 0}` },
    ]);
  }
  return out.sort(compareLabels);
}

async function write(dir: string, n: number): Promise<string> {
  const w = await BlockWriter.create(dir);
  const ts = new Float64Array(120);
  const vs = new Float64Array(120);
  for (let k = 0; k < 120; k++) ts[k] = 1_700_000_000_000 + k * 15_000;
  for (const [i, ls] of seriesLabels(n).entries()) {
    for (let k = 0; k < 120; k++) vs[k] = i + k * 0.5;
    await w.addFloatSeries(ls, ts, vs);
  }
  return (await w.finish()).dir;
}

// Live (retained) memory: children run with --expose-gc, so collect first and then sample
// heap + ArrayBuffers; garbage awaiting collection is not counted.
let peakLive = 0;
function sampleLive(): void {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  peakLive = Math.max(peakLive, m.heapUsed + m.arrayBuffers);
}

async function read(blockDir: string, whole: boolean, paged: boolean) {
  const path = join(blockDir, "index");
  const src: ByteSource = whole ? new MemoryByteSource(new Uint8Array(await readFile(path))) : await FileByteSource.open(path);
  const counting = new CountingByteSource(src);
  const ix = await IndexReader.open(counting, paged ? { inMemoryMaxBytes: 0 } : {});
  const all = await ix.postings([newMatcher("=~", "__name__", ".+")]);
  let chunks = 0;
  let labels = 0;
  for (let i = 0; i < all.length; i += 1024) {
    for (const e of await ix.seriesMany(all.subarray(i, i + 1024))) {
      chunks += e.chunks.length;
      labels += e.labels.length;
    }
    sampleLive();
  }
  const sel = await ix.postings([newMatcher("=", "job", "job-3"), newMatcher("=~", "__name__", "metric_(1|2)3")]);
  const selSeries = await ix.seriesMany(sel);
  sampleLive();
  return { series: all.length, chunks, labels, selected: selSeries.length, bytesRead: counting.bytesRead, reads: counting.reads };
}

const rssMiB = () => process.resourceUsage().maxRSS / 1024;

if (mode === "baseline") {
  sampleLive();
  console.log(JSON.stringify({ peakRssMiB: rssMiB(), peakLiveMiB: peakLive / 1048576 }));
} else if (mode === "range" || mode === "paged" || mode === "whole") {
  const r = await read(arg, mode === "whole", mode === "paged");
  console.log(JSON.stringify({ ...r, peakRssMiB: rssMiB(), peakLiveMiB: peakLive / 1048576 }));
} else {
  const n = Number(arg);
  const dir = await mkdtemp(join(tmpdir(), "aeon-memory-"));
  try {
    const t0 = Date.now();
    const blockDir = await write(dir, n);
    const writeMs = Date.now() - t0;
    const writeRss = rssMiB();
    const b = await openBlockDir(blockDir);
    const fsrc = await FileByteSource.open(join(blockDir, "index"));
    const indexSize = fsrc.size;
    await fsrc.close();
    await b.close();
    const run = (m: string, heapCapMiB?: number) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          ["--expose-gc", ...(heapCapMiB ? [`--max-old-space-size=${heapCapMiB}`] : []), "--import", "tsx", self, m, blockDir],
          { encoding: "utf8" },
        ).trim(),
      );
    const base = run("baseline");
    const range = run("range");
    const paged = run("paged");
    // The same range-read pass with V8's old space capped: it must still succeed.
    const capped = run("range", 64);
    const whole = run("whole");
    console.log(`series: ${n}, index file: ${(indexSize / 1048576).toFixed(1)} MiB, block written in ${writeMs} ms (writer process peak RSS ${writeRss.toFixed(0)} MiB)`);
    console.log(`baseline (imports only)  peak RSS ${base.peakRssMiB.toFixed(1)} MiB, live heap+buffers ${base.peakLiveMiB.toFixed(1)} MiB`);
    for (const [name, r] of [["range reads", range], ["range reads, paged syms", paged], ["whole index in memory", whole], ["range, old space 64 MiB", capped]] as const) {
      console.log(
        `${name.padEnd(24)} peak RSS ${r.peakRssMiB.toFixed(1)} MiB (+${(r.peakRssMiB - base.peakRssMiB).toFixed(1)} over baseline), ` +
          `peak live heap+buffers ${r.peakLiveMiB.toFixed(1)} MiB (+${(r.peakLiveMiB - base.peakLiveMiB).toFixed(1)}); ` +
          `read ${r.series} series / ${r.chunks} chunk refs; index bytes fetched ${(r.bytesRead / 1048576).toFixed(1)} MiB in ${r.reads} reads`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
