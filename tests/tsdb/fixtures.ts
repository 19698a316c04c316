// Test data for the TSDB tests: deterministic series with varied label sets and values
// (decimals, big counters, NaN, ±Inf, -0, optional stale markers), OpenMetrics rendering for
// promtool backfill, and helpers to run promtool.
import { execFileSync } from "node:child_process";
import { compareLabels, compareStrings, type Label } from "../../src/labels/index.ts";
import { formatGoFloat, formatLabelsGo } from "../../src/tsdb/format/index.ts";

export interface Series {
  labels: Label[];
  ts: Float64Array;
  vs: Float64Array;
}

export const hasPromtool = (() => {
  try {
    execFileSync("promtool", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

export function promtool(...args: string[]): string {
  return execFileSync("promtool", args, { encoding: "utf8", maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "pipe"] });
}

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

const STALE = (() => {
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  u[0] = 2;
  u[1] = 0x7ff00000;
  return f[0];
})();

export function isStaleBits(vs: Float64Array, i: number): boolean {
  const u = new Uint32Array(vs.buffer, vs.byteOffset + i * 8, 2);
  return u[0] === 2 && u[1] === 0x7ff00000;
}

// `families` metric names x `perFamily` label sets, `samples` samples each from `start` (ms).
export function generate(opts: { seed: number; families: number; perFamily: number; samples: number; start: number; stale?: boolean; step?: number }): Series[] {
  const rnd = prng(opts.seed);
  const out: Series[] = [];
  const odd = ['quote"and\\backslash', "日本語", "nbsp\u00a0here", "tab\there", "a,b=c"];
  for (let f = 0; f < opts.families; f++) {
    const name = `aeon_test_metric_${f}${f % 3 === 0 ? "_total" : ""}`;
    for (let k = 0; k < opts.perFamily; k++) {
      const labels: Label[] = [
        { name: "__name__", value: name },
        { name: "instance", value: `host-${k}:9100` },
        { name: "job", value: k % 2 ? "node" : "api" },
      ];
      if (k % 3 === 0) labels.push({ name: "zone", value: odd[(f + k) % odd.length] });
      labels.sort((a, b) => compareStrings(a.name, b.name));
      const ts = new Float64Array(opts.samples);
      const vs = new Float64Array(opts.samples);
      let t = opts.start + k * 1000 + f;
      let v = rnd() * 1000;
      const kind = (f + k) % 5;
      for (let i = 0; i < opts.samples; i++) {
        t += opts.step ?? 15_000;
        ts[i] = t;
        if (kind === 0) v += Math.floor(rnd() * 1000);
        else if (kind === 1) v = Math.round((rnd() * 200 - 100) * 1000) / 1000;
        else if (kind === 2) v = 2_700_461_893 + Math.round(rnd() * 1e6) / 100;
        else if (kind === 3) {
          const r = rnd();
          v = r < 0.05 ? NaN : r < 0.08 ? Infinity : r < 0.1 ? -Infinity : r < 0.12 ? -0 : rnd() * 10 ** Math.floor(rnd() * 30 - 15);
        } else v = i % 10 === 0 ? 1e6 : 115428 + (i % 7) * 0.1;
        vs[i] = v;
        if (opts.stale && kind === 1 && i % 97 === 50) vs[i] = STALE;
      }
      out.push({ labels, ts, vs });
    }
  }
  return out.sort((a, b) => compareLabels(a.labels, b.labels));
}

function omValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (Object.is(v, -0)) return "-0";
  return String(v);
}

function omLabelValue(s: string): string {
  return s.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

// OpenMetrics text: families contiguous, timestamps in seconds, `# EOF` last.
export function toOpenMetrics(series: Series[]): string {
  const byName = new Map<string, Series[]>();
  for (const s of series) {
    const n = s.labels.find((l) => l.name === "__name__")!.value;
    if (!byName.has(n)) byName.set(n, []);
    byName.get(n)!.push(s);
  }
  const lines: string[] = [];
  for (const [name, list] of byName) {
    lines.push(`# TYPE ${name} gauge`);
    for (const s of list) {
      const ls = s.labels.filter((l) => l.name !== "__name__").map((l) => `${l.name}="${omLabelValue(l.value)}"`).join(",");
      for (let i = 0; i < s.ts.length; i++) lines.push(`${name}{${ls}} ${omValue(s.vs[i])} ${(s.ts[i] / 1000).toFixed(3)}`);
    }
  }
  lines.push("# EOF");
  return lines.join("\n") + "\n";
}

// The lines `promtool tsdb dump` prints for these samples, sorted.
export function expectedDump(series: Series[]): string[] {
  const lines: string[] = [];
  for (const s of series) {
    const p = formatLabelsGo(s.labels);
    for (let i = 0; i < s.ts.length; i++) lines.push(`${p} ${formatGoFloat(s.vs[i])} ${s.ts[i]}`);
  }
  return lines.sort();
}

export function sortedLines(text: string): string[] {
  return text.split("\n").filter((l) => l.length > 0).sort();
}

// Same samples, bit for bit (NaN payloads included, except that any NaN equals any NaN when
// `nanLoose`: OpenMetrics cannot carry payloads).
export function sameSamples(a: Series, b: { ts: Float64Array; vs: Float64Array }, nanLoose = false): boolean {
  if (a.ts.length !== b.ts.length) return false;
  const ua = new Uint32Array(a.vs.buffer, a.vs.byteOffset, a.vs.length * 2);
  const ub = new Uint32Array(b.vs.buffer, b.vs.byteOffset, b.vs.length * 2);
  for (let i = 0; i < a.ts.length; i++) {
    if (a.ts[i] !== b.ts[i]) return false;
    if (nanLoose && Number.isNaN(a.vs[i]) && Number.isNaN(b.vs[i])) continue;
    if (ua[2 * i] !== ub[2 * i] || ua[2 * i + 1] !== ub[2 * i + 1]) return false;
  }
  return true;
}
