// Shared by the store gateway tests: promtool-made blocks, parsing `promtool tsdb dump` lines,
// turning Series responses back into dump lines, and a gateway on a free port.
import { execFileSync } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { uploadBlock } from "../../src/blockstore/index.ts";
import type { Bucket } from "../../src/objstore/index.ts";
import { decodeXorChunks } from "../../src/kernels/index.ts";
import type { Label, Matcher } from "../../src/labels/index.ts";
import { formatSampleLines } from "../../src/tsdb/dump/index.ts";
import type { SeriesResponse } from "../../src/store/index.ts";
import { generate, toOpenMetrics, type Series } from "../tsdb/fixtures.ts";

export const START = 1_700_000_000_000 - (1_700_000_000_000 % 7_200_000); // 2h aligned

// Several 2h blocks written by promtool from OpenMetrics text (timestamps in seconds).
export async function promtoolBlocks(dir: string, seed = 11): Promise<{ db: string; ids: string[]; series: Series[]; dump: string[] }> {
  const series = generate({ seed, families: 4, perFamily: 6, samples: 900, start: START, step: 20_000 });
  await writeFile(join(dir, "in.om"), toOpenMetrics(series));
  const db = join(dir, "db");
  execFileSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", join(dir, "in.om"), db], { stdio: "ignore" });
  const ids = (await readdir(db)).filter((n) => /^[0-9A-Z]{26}$/.test(n)).sort();
  await mkdir(join(db, "wal"), { recursive: true });
  const dump = execFileSync("promtool", ["tsdb", "dump", db], { encoding: "utf8", maxBuffer: 1 << 30 })
    .split("\n")
    .filter((l) => l.length > 0);
  return { db, ids, series, dump };
}

export async function uploadAll(bucket: Bucket, db: string, ids: string[]): Promise<void> {
  for (const id of ids) await uploadBlock(bucket, join(db, id));
}

// Parses a Go strconv.Quote'd string starting at s[i] (the opening quote); returns the value and
// the index after the closing quote.
function goUnquote(s: string, i: number): [string, number] {
  if (s[i] !== '"') throw new Error(`expected quote at ${i} in ${s}`);
  let out = "";
  i++;
  while (s[i] !== '"') {
    const c = s[i];
    if (c !== "\\") {
      out += c;
      i++;
      continue;
    }
    const e = s[i + 1];
    const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"', "'": "'" };
    if (e in simple) {
      out += simple[e];
      i += 2;
    } else if (e === "x") {
      // \xNN is a raw byte (only produced for invalid UTF-8, which the fixtures do not contain)
      out += String.fromCharCode(parseInt(s.slice(i + 2, i + 4), 16));
      i += 4;
    } else if (e === "u") {
      out += String.fromCodePoint(parseInt(s.slice(i + 2, i + 6), 16));
      i += 6;
    } else if (e === "U") {
      out += String.fromCodePoint(parseInt(s.slice(i + 2, i + 10), 16));
      i += 10;
    } else throw new Error(`unknown escape \\${e} in ${s}`);
  }
  return [out, i + 1];
}

// `{__name__="m", a="b"} VALUE TS` -> labels, value text, timestamp.
export function parseDumpLine(line: string): { labels: Label[]; ts: number } {
  if (line[0] !== "{") throw new Error(`bad dump line ${line}`);
  const labels: Label[] = [];
  let i = 1;
  while (line[i] !== "}") {
    const eq = line.indexOf("=", i);
    const name = line.slice(i, eq);
    const [value, next] = goUnquote(line, eq + 1);
    labels.push({ name, value });
    i = next;
    if (line.startsWith(", ", i)) i += 2;
  }
  const rest = line.slice(i + 2).split(" ");
  return { labels, ts: Number(rest[1]) };
}

const parsedCache = new WeakMap<readonly string[], { line: string; labels: Label[]; ts: number }[]>();

export function expectedLines(dump: readonly string[], ms: readonly Matcher[], mint: number, maxt: number): string[] {
  let parsed = parsedCache.get(dump);
  if (!parsed) parsedCache.set(dump, (parsed = dump.map((line) => ({ line, ...parseDumpLine(line) }))));
  return parsed
    .filter((p) => p.ts >= mint && p.ts <= maxt && ms.every((m) => m.matches(p.labels.find((x) => x.name === m.name)?.value ?? "")))
    .map((p) => p.line)
    .sort();
}

// Decodes every raw XOR chunk of the responses and prints the samples in [mint, maxt] as dump
// lines. Also checks the stream is sorted with no repeated label set.
export function responseLines(resps: readonly SeriesResponse[], mint: number, maxt: number): { lines: string[]; series: Label[][]; warnings: string[] } {
  const lines: string[] = [];
  const series: Label[][] = [];
  const warnings: string[] = [];
  for (const r of resps) {
    if (r.result.case === "warning") warnings.push(r.result.value);
    if (r.result.case !== "series") continue;
    const s = r.result.value;
    const labels = s.labels.map((l) => ({ name: l.name, value: l.value }));
    series.push(labels);
    const chunks = s.chunks.map((c) => c.raw!.data);
    if (chunks.length === 0) continue;
    const d = decodeXorChunks(chunks);
    const keep: number[] = [];
    for (let i = 0; i < d.ts.length; i++) if (d.ts[i] >= mint && d.ts[i] <= maxt) keep.push(i);
    lines.push(...formatSampleLines(labels, Float64Array.from(keep, (i) => d.ts[i]), Float64Array.from(keep, (i) => d.vs[i])).split("\n").filter(Boolean));
  }
  return { lines: lines.sort(), series, warnings };
}

export async function collect(it: AsyncIterable<SeriesResponse>): Promise<SeriesResponse[]> {
  const out: SeriesResponse[] = [];
  for await (const r of it) out.push(r);
  return out;
}
