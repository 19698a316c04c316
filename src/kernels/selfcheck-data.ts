// Built-in data for `aeon selfcheck`: deterministic pseudo-random series (no randomness at
// run time, so every runtime checks the same samples) with the shapes real scrapes have.

export interface CheckSeries {
  ts: Float64Array;
  vs: Float64Array;
}

// mulberry32: small, fast, deterministic.
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// `count` series of `n` samples: counters with resets, decimal gauges, constants, jittered
// and gappy timestamps, stale markers (written through bit views: NaN payloads stay intact).
export function builtinSeries(count = 24, n = 600, seed = 0xae0): CheckSeries[] {
  const rnd = seededRandom(seed);
  const out: CheckSeries[] = [];
  for (let s = 0; s < count; s++) {
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    const bits = new Uint32Array(vs.buffer);
    const kind = s % 4;
    let t = 1_700_000_000_000 + s * 1000;
    let v = 0;
    for (let i = 0; i < n; i++) {
      t += kind === 2 ? 15_000 + Math.floor(rnd() * 41) - 20 : rnd() < 0.02 ? 600_000 : 15_000;
      if (kind === 0) v = rnd() < 0.01 ? 0 : v + Math.floor(rnd() * 100);
      else if (kind === 1) v = Math.round(rnd() * 10_000) / 100;
      else if (kind === 2) v = 1;
      else v = rnd() * 1e6;
      ts[i] = t;
      vs[i] = v;
      if (kind === 3 && rnd() < 0.01) {
        bits[2 * i + 1] = 0x7ff00000; // stale marker (little-endian word order)
        bits[2 * i] = 2;
      }
    }
    out.push({ ts, vs });
  }
  return out;
}

// Series shaped like typical node_exporter-style scrapes (15 s interval, aligned timestamps):
// slowly rising counters, gauges with a few distinct values, constants. Compresses to the
// ~1-2 bytes/sample Prometheus documents; used by the benchmarks alongside builtinSeries.
export function typicalSeries(count = 40, n = 3000, seed = 0x7e9): CheckSeries[] {
  const rnd = seededRandom(seed);
  const out: CheckSeries[] = [];
  for (let s = 0; s < count; s++) {
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    const kind = s % 4;
    let t = 1_700_000_000_000 + s * 1000;
    let v = kind === 3 ? 1 : Math.floor(rnd() * 1e6);
    for (let i = 0; i < n; i++) {
      t += rnd() < 0.01 ? 15_000 + Math.floor(rnd() * 5) - 2 : 15_000;
      if (kind === 0 || kind === 1) v += rnd() < 0.3 ? 0 : Math.floor(rnd() * 20);
      else if (kind === 2) v = [0.25, 0.5, 0.75, 1][Math.floor(rnd() * 4)] * 1024;
      ts[i] = t;
      vs[i] = v;
    }
    out.push({ ts, vs });
  }
  return out;
}
