// How far the JavaScript heap may grow past what is live before a full collection: the
// counterpart of Go's GOGC, which Thanos's components run with at 100 (heap target = twice the
// live heap). V8 left alone lets the old generation grow to up to four times the live heap on a
// machine with plenty of RAM, so a server whose requests each build tens of megabytes of
// short-lived objects sits at several hundred MiB of collectable garbage. V8 reads
// --heap-growing-percent each time it sets the next collection's limit, so setting it at start-up
// through node:v8 takes effect for the process (unlike --max-old-space-size, fixed when the heap
// is created).
//
// Node: applied. Deno: its node:v8 accepts the call but does not forward it, so Deno users pass
// `--v8-flags=--heap-growing-percent=N` themselves. Bun (JavaScriptCore) has no such setting.
import { setFlagsFromString } from "node:v8";
import { runtimeName } from "./detect.ts";

export type HeapGrowthResult = { applied: true } | { applied: false; why: string };

export function setHeapGrowthPercent(percent: number): HeapGrowthResult {
  if (!Number.isInteger(percent) || percent < 0) throw new RangeError(`heap growth percent must be a non-negative integer, got ${percent}`);
  if (runtimeName === "bun") return { applied: false, why: "JavaScriptCore (Bun) has no heap growth setting" };
  if (runtimeName === "deno") return { applied: false, why: "on Deno pass --v8-flags=--heap-growing-percent=N to deno run" };
  // 0 restores V8's own dynamic factor.
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  return { applied: true };
}
