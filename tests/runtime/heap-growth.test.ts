// --gc.heap-growth-percent: on Node, setting V8's heap growing factor at run time really bounds
// the garbage a churning workload leaves in the heap (the same workload in two child processes,
// one with V8's own factor, one with 30 %), and bad values are refused as flag errors.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../helpers/processes.ts";

// Builds 300k-object batches, keeping the last one alive (so each batch is promoted, then dies),
// and prints the largest heap V8 committed.
const churn = (percent: number) => `
  import { setHeapGrowthPercent } from ${JSON.stringify(join(repoRoot, "src", "runtime", "index.ts"))};
  console.log(JSON.stringify(setHeapGrowthPercent(${percent})));
  let keep = [], peak = 0;
  for (let q = 0; q < 30; q++) {
    const cur = [];
    for (let i = 0; i < 300000; i++) cur.push({ a: "x" + i, b: [i, i + 1] });
    keep = [cur];
    peak = Math.max(peak, process.memoryUsage().heapTotal);
  }
  console.log(peak);
`;

function peakHeap(percent: number): { applied: unknown; peak: number } {
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", churn(percent)], { cwd: repoRoot, encoding: "utf8" }).trim().split("\n");
  return { applied: JSON.parse(out[0]), peak: Number(out[1]) };
}

test("heap growth percent bounds the heap of a churning workload on Node", () => {
  const v8Default = peakHeap(0);
  const bounded = peakHeap(30);
  assert.deepEqual(bounded.applied, { applied: true });
  assert.ok(bounded.peak < 0.75 * v8Default.peak, `30%: ${bounded.peak} bytes, V8 default: ${v8Default.peak} bytes`);
});

test("bad --gc.heap-growth-percent is a flag error", () => {
  const r = spawnSync(process.execPath, [join(repoRoot, "bin", "aeon"), "store", "--gc.heap-growth-percent=lots", "--objstore.config=type: FILESYSTEM\nconfig:\n  directory: /nonexistent"], { encoding: "utf8" });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--gc.heap-growth-percent must be a non-negative integer/);
});
