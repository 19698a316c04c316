// XOR chunk codec: WASM kernels vs the TypeScript reference, same data, same run.
// Data: the selfcheck's built-in series (counters with resets, decimal gauges, jittered
// constants, random floats with stale markers) cut into 120-sample chunks as Prometheus does.
import { bench, do_not_optimize, group, summary } from "mitata";
import { builtinSeries } from "../src/kernels/selfcheck-data.ts";
import { kernels } from "../src/kernels/instance.ts";
import { decodeXorChunk, decodeXorChunks, decodeXorChunksInArena, decodeXorInto, encodeXorChunk, xorDecode, xorDecodeInto, xorEncode } from "../src/kernels/index.ts";

const series = builtinSeries(40, 3000, 0xbe4c);
const chunks: Uint8Array[] = [];
for (const s of series) for (let at = 0; at < s.ts.length; at += 120) chunks.push(xorEncode(s.ts.subarray(at, at + 120), s.vs.subarray(at, at + 120)));
const totalSamples = series.length * 3000;
const one = chunks[1]; // a counter chunk
const oneSamples = 120;
const ts120 = series[0].ts.subarray(0, 120);
const vs120 = series[0].vs.subarray(0, 120);
const outTs = new Float64Array(totalSamples);
const outVs = new Float64Array(totalSamples);

// Kernel-only: chunks already in linear memory (as after a bulk fetch into the arena).
const k = kernels();
const staged = decodeXorChunksInArena(k, chunks); // leaves table + data + outputs reserved
const batch = k.fn<(t: number, c: number, ts: number, vs: number, cap: number, off: number) => number>("xorDecodeBatch");
// The table sits right after the mark (see decodeXorChunksInArena's reservation order).
const tablePtr = (staged.mark + 7) & ~7;
const offPtr = k.mark() - (chunks.length + 1) * 4;

export const itemsPerIteration: Record<string, number> = {
  "decode 120-sample chunk: TS reference": oneSamples,
  "decode 120-sample chunk: WASM": oneSamples,
  "decode 120-sample chunk: WASM into (no alloc)": oneSamples,
  [`bulk decode ${chunks.length} chunks: TS reference`]: totalSamples,
  [`bulk decode ${chunks.length} chunks: WASM`]: totalSamples,
  [`bulk decode ${chunks.length} chunks: WASM kernel only`]: totalSamples,
  "encode 120 samples: TS reference": oneSamples,
  "encode 120 samples: WASM": oneSamples,
};

group("xor decode, one 120-sample chunk", () => {
  summary(() => {
    bench("decode 120-sample chunk: TS reference", () => do_not_optimize(xorDecode(one))).baseline(true);
    bench("decode 120-sample chunk: WASM", () => do_not_optimize(decodeXorChunk(one)));
    bench("decode 120-sample chunk: WASM into (no alloc)", () => do_not_optimize(decodeXorInto(one, outTs, outVs, 0)));
  });
});

group(`xor bulk decode, ${series.length} series x 3000 samples`, () => {
  summary(() => {
    bench(`bulk decode ${chunks.length} chunks: TS reference`, () => {
      let at = 0;
      for (const c of chunks) at += xorDecodeInto(c, outTs, outVs, at);
      do_not_optimize(at);
    }).baseline(true);
    bench(`bulk decode ${chunks.length} chunks: WASM`, () => do_not_optimize(decodeXorChunks(chunks)));
    bench(`bulk decode ${chunks.length} chunks: WASM kernel only`, () =>
      do_not_optimize(batch(tablePtr, chunks.length, staged.tsPtr, staged.vsPtr, totalSamples, offPtr)),
    );
  });
});

group("xor encode, 120 samples", () => {
  summary(() => {
    bench("encode 120 samples: TS reference", () => do_not_optimize(xorEncode(ts120, vs120))).baseline(true);
    bench("encode 120 samples: WASM", () => do_not_optimize(encodeXorChunk(ts120, vs120)));
  });
});

// Sanity: the kernel-only bench really decodes everything.
if (batch(tablePtr, chunks.length, staged.tsPtr, staged.vsPtr, totalSamples, offPtr) !== totalSamples) {
  throw new Error("bench setup: kernel-only batch decode did not return every sample");
}
