// Writes a big filesystem bucket for the store gateway's memory check, with Aeon's own
// BlockWriter: BLOCKS consecutive 2h blocks of SERIES series each. Labels are chosen so the
// index is large relative to the chunks (two long unique values per series, as high-cardinality
// pod/container ids are in practice); each series has one 120-sample chunk.
// Usage: node --import tsx scripts/gen-store-bucket.ts DIR [BLOCKS=6] [SERIES=500000] [ONLY=all]
// ONLY (0-based) writes just that block of the sequence, so several processes can share the work.
// Prints the total index size. DIR can then be served with
//   aeon store --objstore.config='{type: FILESYSTEM, config: {directory: DIR}}'
import { mkdir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { compareLabels, type Label } from "../src/labels/index.ts";
import { xorEncode } from "../src/kernels/index.ts";
import { BlockWriter } from "../src/tsdb/block/index.ts";

const [dir, blocksArg = "6", seriesArg = "500000", onlyArg = ""] = process.argv.slice(2);
if (!dir) throw new Error("usage: gen-store-bucket.ts DIR [BLOCKS] [SERIES]");
const BLOCKS = Number(blocksArg);
const SERIES = Number(seriesArg);
const H2 = 2 * 3600_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % H2);

const hex = (n: number, salt: number) => {
  let x = (n * 2654435761 + salt * 40503) >>> 0;
  let s = "";
  for (let i = 0; i < 8; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += x.toString(16).padStart(8, "0");
  }
  return s;
};

// The label sets of one block, sorted. Series i has the same labels in every block, so queries
// across blocks merge them.
function labelsOf(i: number): Label[] {
  return [
    { name: "__name__", value: `bench_metric_${i % 100}` },
    { name: "container_id", value: hex(i, 1) },
    { name: "instance", value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:9100` },
    { name: "job", value: `job-${i % 20}` },
    { name: "namespace", value: `ns-${i % 50}` },
    { name: "pod_uid", value: hex(i, 2) },
    { name: "zone", value: `zone-${i % 3}` },
  ];
}

await mkdir(dir, { recursive: true });
const sorted = Array.from({ length: SERIES }, (_, i) => labelsOf(i)).sort(compareLabels);
let indexBytes = 0;
for (let b = 0; b < BLOCKS; b++) {
  if (onlyArg !== "" && b !== Number(onlyArg)) continue;
  const t = Date.now();
  const min = T0 + b * H2;
  const ts = Float64Array.from({ length: 120 }, (_, k) => min + k * 60_000);
  const data = xorEncode(ts, Float64Array.from({ length: 120 }, (_, k) => k * 1.5));
  const w = await BlockWriter.create(dir, { minTime: min, maxTime: min + H2, thanos: { labels: { cluster: "bench" }, downsample: { resolution: 0 }, source: "test" } });
  for (const ls of sorted) await w.addSeries(ls, [{ encoding: 1, data, minTime: ts[0], maxTime: ts[119], numSamples: 120 }]);
  const { meta } = await w.finish();
  const size = (await stat(join(dir, meta.ulid, "index"))).size;
  indexBytes += size;
  console.log(`block ${b + 1}/${BLOCKS} ${meta.ulid}: index ${(size / 2 ** 20).toFixed(1)} MiB, ${((Date.now() - t) / 1000).toFixed(0)} s`);
}
const ids = (await readdir(dir)).filter((n) => /^[0-9A-Z]{26}$/.test(n));
console.log(`${ids.length} blocks, total index size ${(indexBytes / 2 ** 30).toFixed(3)} GiB (${indexBytes} bytes)`);
