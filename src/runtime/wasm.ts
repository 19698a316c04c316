// Wasm bytes for the kernels. They are inlined (base64) by scripts/build.mjs into a generated
// module, so the same code path serves source runs under all three runtimes and the
// single-file binary, with no file to find beside the program.
import { kernelsWasmBase64 } from "../gen/kernels-wasm.ts";

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let cached: Uint8Array | undefined;

export function kernelsWasmBytes(): Uint8Array {
  cached ??= fromBase64(kernelsWasmBase64);
  return cached;
}
