import { xxhash64 } from "./src/codec/xxhash64.ts";
const p = new Uint8Array(1 << 20).map((_, i) => i * 7);
for (let k = 0; k < 5; k++) { const t = performance.now(); for (let j = 0; j < 10; j++) xxhash64(p); console.log(((10 * p.length) / ((performance.now() - t) / 1000) / 1e6).toFixed(1), "MB/s"); }
