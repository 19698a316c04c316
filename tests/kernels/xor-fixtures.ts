// Test helpers for XOR chunks written by real Prometheus: an OpenMetrics generator with varied
// value patterns, a promtool backfill runner, and a minimal chunk-segment parser (the real block
// reader lives in src/tsdb; this one only needs to walk a segment file and check CRCs).
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface GeneratedSeries {
  name: string;
  labels: string; // rendered label set, e.g. `{job="a"}`
  ts: number[]; // ms
  vs: number[];
}

// Deterministic PRNG (mulberry32) so failures reproduce.
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Series with patterns that exercise every encoder branch: regular and jittered scrape
// intervals, long gaps (64-bit delta-of-delta bucket), counters, decimal gauges, constants,
// special floats.
export function generateSeries(seed: number, samplesPerSeries: number): GeneratedSeries[] {
  const rnd = prng(seed);
  const start = 1_700_000_000_000; // ms, aligned well inside a 2h block
  const out: GeneratedSeries[] = [];
  const patterns = ["counter", "gauge", "constant", "jitter", "gaps", "special", "bigcounter", "tiny"];
  for (const [k, pattern] of patterns.entries()) {
    const ts: number[] = [];
    const vs: number[] = [];
    let t = start + k * 7;
    let v = 0;
    for (let i = 0; i < samplesPerSeries; i++) {
      switch (pattern) {
        case "counter":
          t += 15_000;
          v += Math.floor(rnd() * 50);
          break;
        case "gauge":
          t += 15_000;
          v = Math.round((rnd() * 200 - 100) * 100) / 100;
          break;
        case "constant":
          t += 30_000;
          v = 42;
          break;
        case "jitter":
          t += 10_000 + Math.floor(rnd() * 101) - 50;
          v = Math.round(rnd() * 1e6) / 1e3;
          break;
        case "gaps":
          t += rnd() < 0.05 ? 1_800_000 + Math.floor(rnd() * 1000) : 5_000 + Math.floor(rnd() * 3000);
          v = rnd() < 0.5 ? v : rnd() * 1e-9;
          break;
        case "special": {
          t += 20_000;
          const r = rnd();
          v = r < 0.1 ? NaN : r < 0.2 ? Infinity : r < 0.3 ? -Infinity : r < 0.4 ? -0 : r < 0.5 ? 0 : rnd() * 1e300;
          break;
        }
        case "bigcounter":
          t += 60_000;
          v += 4_154_567_899 + rnd() * 1e6;
          break;
        case "tiny":
          t += 1 + Math.floor(rnd() * 3);
          v = rnd() < 0.7 ? v : Math.floor(rnd() * 4);
          break;
      }
      ts.push(t);
      vs.push(v);
    }
    out.push({ name: `aeon_fixture_${pattern}`, labels: `{instance="i${k}",pattern="${pattern}"}`, ts, vs });
  }
  return out;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (Object.is(v, -0)) return "-0";
  return String(v); // shortest round-trip form; Go's ParseFloat reads it back exactly
}

export function toOpenMetrics(series: GeneratedSeries[]): string {
  const lines: string[] = [];
  for (const s of series) {
    lines.push(`# TYPE ${s.name} gauge`);
    for (let i = 0; i < s.ts.length; i++) {
      lines.push(`${s.name}${s.labels} ${formatValue(s.vs[i])} ${(s.ts[i] / 1000).toFixed(3)}`);
    }
  }
  lines.push("# EOF");
  return lines.join("\n") + "\n";
}

export interface RawChunk {
  encoding: number;
  data: Uint8Array;
}

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32c(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = crcTable[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function parseSegment(file: Uint8Array): RawChunk[] {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (dv.getUint32(0) !== 0x85bd40dd) throw new Error("bad chunk segment magic");
  if (file[4] !== 1) throw new Error(`unsupported segment version ${file[4]}`);
  const chunks: RawChunk[] = [];
  let p = 8;
  while (p < file.length) {
    let len = 0;
    let shift = 0;
    for (;;) {
      const b = file[p++];
      len += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) break;
    }
    const encoding = file[p];
    const data = file.subarray(p + 1, p + 1 + len);
    const crc = dv.getUint32(p + 1 + len);
    if (crc32c(file.subarray(p, p + 1 + len)) !== crc) throw new Error(`CRC mismatch at offset ${p}`);
    chunks.push({ encoding, data });
    p += 1 + len + 4;
  }
  return chunks;
}

// Backfills `series` with promtool and returns every chunk of every block it wrote.
export async function promtoolChunks(series: GeneratedSeries[]): Promise<RawChunk[]> {
  const dir = await mkdtemp(join(tmpdir(), "aeon-xor-"));
  try {
    const input = join(dir, "data.om");
    await writeFile(input, toOpenMetrics(series));
    const out = join(dir, "blocks");
    execFileSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", input, out], { stdio: "pipe" });
    const chunks: RawChunk[] = [];
    for (const block of (await readdir(out)).sort()) {
      const cdir = join(out, block, "chunks");
      for (const seg of (await readdir(cdir)).sort()) chunks.push(...parseSegment(await readFile(join(cdir, seg))));
    }
    return chunks;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
