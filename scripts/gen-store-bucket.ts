// Writes a big filesystem bucket for the store gateway's memory check.
//
//   node --import tsx scripts/gen-store-bucket.ts write DIR [BLOCKS=1] [SERIES=460000]
//     BlockWriter writes BLOCKS consecutive 2h blocks of SERIES series each (external labels
//     cluster=bench). Labels are chosen so the index is large relative to the chunks: two long
//     unique values per series (as high-cardinality pod/container ids are), one 120-sample chunk.
//   node --import tsx scripts/gen-store-bucket.ts replicate DIR COPIES
//     Gives every block of DIR the external label replica=r0 and adds COPIES more blocks per
//     block under new ULIDs with replica=r1..: byte-identical index and chunks, only meta.json
//     differs — the layout of an HA pair of Prometheus servers (or N of them) uploading the same
//     series. On this 2-core shared machine writing every block from scratch took too long.
//
// Prints the total index size. Serve DIR with
//   aeon store --objstore.config='{type: FILESYSTEM, config: {directory: DIR}}'
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { compareLabels, type Label } from "../src/labels/index.ts";
import { xorEncode } from "../src/kernels/index.ts";
import { BlockWriter, parseMeta, stringifyMeta } from "../src/tsdb/block/index.ts";
import { ulid } from "../src/tsdb/ulid/index.ts";

const [mode, dir, a1, a2] = process.argv.slice(2);
if ((mode !== "write" && mode !== "replicate") || !dir) throw new Error("usage: gen-store-bucket.ts write DIR [BLOCKS] [SERIES] | replicate DIR COPIES");
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

// Series i has the same labels in every block, so queries across blocks merge them.
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

const blockIds = async () => (await readdir(dir)).filter((n) => /^[0-9A-Z]{26}$/.test(n)).sort();

async function write(blocks: number, series: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const sorted = Array.from({ length: series }, (_, i) => labelsOf(i)).sort(compareLabels);
  for (let b = 0; b < blocks; b++) {
    const t = Date.now();
    const min = T0 + b * H2;
    const ts = Float64Array.from({ length: 120 }, (_, k) => min + k * 60_000);
    const data = xorEncode(ts, Float64Array.from({ length: 120 }, (_, k) => k * 1.5));
    const w = await BlockWriter.create(dir, { minTime: min, maxTime: min + H2, thanos: { labels: { cluster: "bench" }, downsample: { resolution: 0 }, source: "test" } });
    for (const ls of sorted) await w.addSeries(ls, [{ encoding: 1, data, minTime: ts[0], maxTime: ts[119], numSamples: 120 }]);
    const { meta } = await w.finish();
    const size = (await stat(join(dir, meta.ulid, "index"))).size;
    console.log(`block ${b + 1}/${blocks} ${meta.ulid}: index ${(size / 2 ** 20).toFixed(1)} MiB, ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
}

async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const e of await readdir(from, { withFileTypes: true })) {
    if (e.isDirectory()) await copyTree(join(from, e.name), join(to, e.name));
    else if (e.name !== "meta.json") await copyFile(join(from, e.name), join(to, e.name));
  }
}

async function replicate(copies: number): Promise<void> {
  for (const id of await blockIds()) {
    const meta = parseMeta(await readFile(join(dir, id, "meta.json"), "utf8"));
    if (!meta.thanos) throw new Error(`block ${id} has no thanos section`);
    if (meta.thanos.labels.replica) continue; // already a replica
    meta.thanos.labels = { ...meta.thanos.labels, replica: "r0" };
    await writeFile(join(dir, id, "meta.json"), stringifyMeta(meta));
    for (let k = 1; k <= copies; k++) {
      const nid = ulid();
      await copyTree(join(dir, id), join(dir, nid));
      // meta.json last: the block is complete before it becomes visible.
      await writeFile(join(dir, nid, "meta.json"), stringifyMeta({ ...meta, ulid: nid, compaction: { ...meta.compaction, sources: [nid] }, thanos: { ...meta.thanos, labels: { ...meta.thanos.labels, replica: `r${k}` } } }));
      console.log(`copy ${nid} of ${id} (replica=r${k})`);
    }
  }
}

if (mode === "write") await write(Number(a1 ?? "1"), Number(a2 ?? "460000"));
else await replicate(Number(a1 ?? "4"));
let indexBytes = 0;
const ids = await blockIds();
for (const id of ids) indexBytes += (await stat(join(dir, id, "index"))).size;
console.log(`${ids.length} blocks, total index size ${(indexBytes / 2 ** 30).toFixed(3)} GiB (${indexBytes} bytes)`);
