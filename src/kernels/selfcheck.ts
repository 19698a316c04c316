// `aeon selfcheck`: runs every WASM kernel against its TypeScript reference on built-in data.
// Each kernel contributes one SelfCheck to the list below; run() returns a summary on success
// or a string describing the first mismatch.
import { xorSelfCheck } from "./selfcheck-xor.ts";
import { dedupSelfCheck } from "./selfcheck-dedup.ts";
import { downsampleSelfCheck } from "./selfcheck-downsample.ts";
import { xxhashSelfCheck } from "./selfcheck-xxhash.ts";

export interface SelfCheck {
  name: string;
  run(): { detail: string } | string;
}

export interface SelfCheckResult {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

export const selfChecks: SelfCheck[] = [
  xorSelfCheck,
  dedupSelfCheck,
  downsampleSelfCheck,
  xxhashSelfCheck,
  // ---- other kernels: add their checks here (dedup/merge, downsample) ----
];

export function runSelfChecks(checks: readonly SelfCheck[] = selfChecks): SelfCheckResult[] {
  return checks.map((c) => {
    const start = performance.now();
    let ok = false;
    let detail: string;
    try {
      const r = c.run();
      ok = typeof r !== "string";
      detail = typeof r === "string" ? r : r.detail;
    } catch (err) {
      detail = `threw ${err instanceof Error ? err.message : String(err)}`;
    }
    return { name: c.name, ok, detail, ms: performance.now() - start };
  });
}
