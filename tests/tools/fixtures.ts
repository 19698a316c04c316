// Blocks made by Debian's promtool (`tsdb create-blocks-from openmetrics`) for the bucket-tool
// tests, promtool's own dump of them, and small helpers to damage objects in a bucket.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cp, mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Bucket } from "../../src/objstore/index.ts";

export const havePromtool = spawnSync("promtool", ["--version"], { stdio: "ignore" }).status === 0;

// Deterministic pseudo-random numbers so a failure reproduces.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface OmOptions {
  startSec: number;
  endSec: number;
  stepSec: number;
  seed?: number;
  // Only these families (default all): lets a second, overlapping input share some series.
  families?: ("counter" | "gauge" | "odd")[];
}

// OpenMetrics text (timestamps in SECONDS, each family contiguous, ending in # EOF) with values
// that exercise Go's %g: large counters, fractions, tiny and huge magnitudes, NaN and ±Inf.
export function openMetrics(o: OmOptions): string {
  const rand = rng(o.seed ?? 7);
  const fams = o.families ?? ["counter", "gauge", "odd"];
  const times: number[] = [];
  for (let t = o.startSec; t < o.endSec; t += o.stepSec) times.push(t);
  const out: string[] = [];
  if (fams.includes("counter")) {
    out.push("# TYPE http_requests counter");
    for (const inst of ["a:9090", "b:9090", "c:9090"]) {
      for (const code of ["200", "500"]) {
        let v = 2_700_000_000 + Math.floor(rand() * 1000);
        for (const t of times) {
          v += Math.floor(rand() * 5000);
          out.push(`http_requests_total{code="${code}",instance="${inst}",job="api"} ${v} ${t}`);
        }
      }
    }
  }
  if (fams.includes("gauge")) {
    out.push("# TYPE temperature gauge");
    for (let i = 0; i < 4; i++) {
      for (const [k, t] of times.entries()) out.push(`temperature{room="r${i}",site="x\\"y"} ${(20 + 5 * Math.sin(k / 17 + i) + rand()).toFixed(4)} ${t}`);
    }
  }
  if (fams.includes("odd")) {
    out.push("# TYPE odd_values gauge");
    const specials = ["NaN", "+Inf", "-Inf", "1e-07", "123456789012345678", "-0.5", "0", "1e+21", "3.14159"];
    // The value depends on the timestamp only, so overlapping inputs agree where they meet.
    for (const t of times) out.push(`odd_values{kind="mixed"} ${specials[Math.floor(t / 30) % specials.length]} ${t}`);
  }
  out.push("# EOF", "");
  return out.join("\n");
}

// Runs promtool on the OpenMetrics text; returns the block folders it wrote (under parent/name).
export async function promtoolBlocks(parent: string, name: string, om: string): Promise<string[]> {
  const input = join(parent, `${name}.om`);
  const out = join(parent, name);
  await writeFile(input, om);
  execFileSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", input, out], { stdio: "pipe" });
  return (await readdir(out)).sort().map((n) => join(out, n));
}

// `promtool tsdb dump` of these block folders: it wants a DB folder with the blocks and a wal/.
export async function promtoolDump(parent: string, blockDirs: readonly string[], extra: string[] = []): Promise<string> {
  const db = join(parent, `db-${Math.random().toString(36).slice(2)}`);
  await mkdir(join(db, "wal"), { recursive: true });
  for (const d of blockDirs) await cp(d, join(db, d.split("/").pop()!), { recursive: true });
  return execFileSync("promtool", ["tsdb", "dump", ...extra, db], { maxBuffer: 1 << 30 }).toString();
}

export const sortLines = (s: string): string => s.split("\n").filter(Boolean).sort().join("\n") + "\n";

export async function flipByte(bucket: Bucket, name: string, offset: number): Promise<void> {
  const b = new Uint8Array(await bucket.get(name));
  if (offset >= b.length) throw new Error(`flipByte: ${name} has ${b.length} bytes, offset ${offset}`);
  b[offset] ^= 0xff;
  await bucket.upload(name, b);
}

export function fsYaml(dir: string): string {
  return `type: FILESYSTEM\nconfig:\n  directory: ${JSON.stringify(dir)}\n`;
}

// Equal texts, or a failure showing the first differing lines rather than two huge strings.
export function assertSameLines(ours: string, theirs: string) {
  if (ours === theirs) return;
  const a = ours.split("\n");
  const b = theirs.split("\n");
  const i = a.findIndex((l, k) => l !== b[k]);
  assert.fail(`dumps differ at sorted line ${i} (ours ${a.length} lines, promtool ${b.length}):\n ours: ${a[i]}\n them: ${b[i]}`);
}
