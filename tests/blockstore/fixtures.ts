// Local block folders for the blockstore tests: real ones made by Debian's promtool, and
// synthetic ones (arbitrary bytes in the right files) when only the file layout matters.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { newUlid } from "../../src/blockstore/index.ts";

/** A block folder with 3 chunk segments, an index, tombstones and a Prometheus-style meta.json. */
export async function syntheticBlock(parent: string, timeMs = Date.now() - 3 * 3600_000): Promise<{ id: string; dir: string }> {
  const id = newUlid(timeMs);
  const dir = `${parent}/${id}`;
  await mkdir(`${dir}/chunks`, { recursive: true });
  for (const seg of ["000001", "000002", "000003"]) await writeFile(`${dir}/chunks/${seg}`, randomBytes(1000 + Math.floor(Math.random() * 5000)));
  await writeFile(`${dir}/index`, randomBytes(4096));
  await writeFile(`${dir}/tombstones`, new Uint8Array([0x01, 0x30, 0xba, 0x30, 0x01, 0, 0, 0, 0]));
  const meta = {
    ulid: id,
    minTime: timeMs - 7200_000,
    maxTime: timeMs,
    stats: { numSamples: 10, numSeries: 2, numChunks: 3 },
    compaction: { level: 1, sources: [id] },
    version: 1,
  };
  await writeFile(`${dir}/meta.json`, JSON.stringify(meta, null, "\t"));
  return { id, dir };
}

/** Real Prometheus blocks via `promtool tsdb create-blocks-from openmetrics`; returns block dirs. */
export async function promtoolBlocks(parent: string): Promise<string[]> {
  const lines = ["# TYPE http_requests counter"];
  const t0 = 1_700_000_000; // seconds
  for (let i = 0; i < 120; i++) {
    lines.push(`http_requests_total{code="200",job="api"} ${i * 3} ${t0 + i * 15}`);
    lines.push(`http_requests_total{code="500",job="api"} ${i} ${t0 + i * 15}`);
  }
  lines.push("# EOF", "");
  await writeFile(`${parent}/in.om`, lines.join("\n"));
  execFileSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", `${parent}/in.om`, `${parent}/blocks`], { stdio: "pipe" });
  return (await readdir(`${parent}/blocks`)).sort().map((n) => `${parent}/blocks/${n}`);
}
