// XOR chunk codec: WASM kernels vs the TypeScript reference, same data, same run.
// Two data sets, cut into 120-sample chunks as Prometheus does:
//  - "typical": 15 s scrapes with rare ms jitter; rising counters, 4-level gauges, constants
//    (~1.1 bytes/sample, the range Prometheus documents for real data);
//  - "mixed": the selfcheck's series (random decimal gauges, random floats with stale
//    markers, jittered timestamps; ~5 bytes/sample, a hard case).
import { bench, do_not_optimize, group, summary } from "mitata";
import { builtinSeries, typicalSeries, type CheckSeries } from "../src/kernels/selfcheck-data.ts";
import { kernels } from "../src/kernels/instance.ts";
import {
  decodeXorChunk,
  decodeXorChunks,
  decodeXorChunksInArena,
  decodeXorInto,
  encodeXorChunk,
  xorDecode,
  xorDecodeInto,
  xorEncode,
} from "../src/kernels/index.ts";

const SAMPLES = 3000;
const SERIES = 40;

function chunked(series: CheckSeries[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const s of series) for (let at = 0; at < s.ts.length; at += 120) out.push(xorEncode(s.ts.subarray(at, at + 120), s.vs.subarray(at, at + 120)));
  return out;
}

const sets = { typical: chunked(typicalSeries(SERIES, SAMPLES, 0x7e9)), mixed: chunked(builtinSeries(SERIES, SAMPLES, 0xbe4c)) };
const total = SERIES * SAMPLES;
const outTs = new Float64Array(total);
const outVs = new Float64Array(total);
const k = kernels();
type BatchFn = (t: number, c: number, ts: number, vs: number, cap: number, off: number, scratch: number, scratchLen: number, strict: number) => number;
const batch = k.fn<BatchFn>("xorDecodeBatch");

export const itemsPerIteration: Record<string, number> = {};

const one = sets.typical[0]; // a rising counter, 120 samples
const oneSeries = typicalSeries(1, 120, 0x7e9)[0];
for (const name of ["decode 120: TS reference", "decode 120: WASM", "decode 120: WASM into (no alloc)", "encode 120: TS reference", "encode 120: WASM"]) {
  itemsPerIteration[name] = 120;
}

group("xor, one 120-sample chunk (typical counter)", () => {
  summary(() => {
    bench("decode 120: TS reference", () => do_not_optimize(xorDecode(one))).baseline(true);
    bench("decode 120: WASM", () => do_not_optimize(decodeXorChunk(one)));
    bench("decode 120: WASM into (no alloc)", () => do_not_optimize(decodeXorInto(one, outTs, outVs, 0)));
  });
  summary(() => {
    bench("encode 120: TS reference", () => do_not_optimize(xorEncode(oneSeries.ts, oneSeries.vs))).baseline(true);
    bench("encode 120: WASM", () => do_not_optimize(encodeXorChunk(oneSeries.ts, oneSeries.vs)));
  });
});

for (const [label, chunks] of Object.entries(sets)) {
  // Kernel-only: chunks already staged in linear memory, as after a bulk fetch into the arena.
  // The staging stays reserved for the whole run (benchmarks own the process).
  const staged = decodeXorChunksInArena(k, chunks);
  if (batch(staged.tablePtr, staged.count, staged.tsPtr, staged.vsPtr, total, staged.offsetsPtr, staged.scratchPtr, staged.scratchLen, 0) !== total) {
    throw new Error(`bench setup: ${label} kernel-only decode did not return every sample`);
  }
  const bytes = chunks.reduce((a, c) => a + c.length, 0);
  const names = {
    ref: `bulk ${label}: TS reference`,
    wasm: `bulk ${label}: WASM decodeXorChunks`,
    kernel: `bulk ${label}: WASM kernel only`,
  };
  for (const n of Object.values(names)) itemsPerIteration[n] = total;
  group(`xor bulk decode, ${label}: ${chunks.length} chunks, ${total} samples, ${(bytes / total).toFixed(2)} B/sample`, () => {
    summary(() => {
      bench(names.ref, () => {
        let at = 0;
        for (const c of chunks) at += xorDecodeInto(c, outTs, outVs, at);
        do_not_optimize(at);
      }).baseline(true);
      bench(names.wasm, () => do_not_optimize(decodeXorChunks(chunks)));
      bench(names.kernel, () => do_not_optimize(batch(staged.tablePtr, staged.count, staged.tsPtr, staged.vsPtr, total, staged.offsetsPtr, staged.scratchPtr, staged.scratchLen, 0)));
    });
  });
}

// Kernel-only, per value pattern: one 65535-sample chunk each (the codec's maximum), so the
// figure is the per-sample cost of the decode loop without per-chunk overhead.
{
  type DecodeFn = (src: number, len: number, ts: number, vs: number, cap: number, scratch: number, strict: number) => number;
  const decode = k.fn<DecodeFn>("xorDecode");
  const patterns = typicalSeries(4, 65535, 0x7e9);
  const labels = ["rising counter", "rising counter 2", "4-level gauge", "constant"];
  group("xor kernel only, one 65535-sample chunk per pattern", () => {
    for (const [i, s] of patterns.entries()) {
      if (i === 1) continue;
      const chunk = xorEncode(s.ts, s.vs);
      const src = k.reserve(chunk.length + 64);
      const scratch = k.reserve(chunk.length + 64);
      k.u8().set(chunk, src);
      const out = k.reserve(65535 * 16);
      const name = `kernel 65535: ${labels[i]} (${(chunk.length / 65535).toFixed(2)} B/sample)`;
      itemsPerIteration[name] = 65535;
      if (decode(src, chunk.length, out, out + 65535 * 8, 65535, scratch, 0) !== 65535) throw new Error(`bench setup: ${name}`);
      bench(name, () => do_not_optimize(decode(src, chunk.length, out, out + 65535 * 8, 65535, scratch, 0)));
    }
  });
}
