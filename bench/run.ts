// `npm run bench [-- FILTER...]`: imports every bench/*.bench.ts (or those whose name contains a
// filter), runs them with mitata, then prints throughput for benches whose module exports
// `itemsPerIteration` (bench name -> items processed per call, e.g. samples).
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { run } from "mitata";

const dir = fileURLToPath(new URL(".", import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error("bench: no bench files matched");
  process.exit(1);
}

const items = new Map<string, number>();
// Modules that start servers export `teardown` so the process can exit afterwards.
const teardowns: (() => Promise<void> | void)[] = [];
for (const f of files) {
  const mod = (await import(new URL(f, import.meta.url).href)) as {
    itemsPerIteration?: Record<string, number>;
    teardown?: () => Promise<void> | void;
  };
  for (const [name, n] of Object.entries(mod.itemsPerIteration ?? {})) items.set(name, n);
  if (mod.teardown) teardowns.push(mod.teardown);
}

const result = await run();

const rows: string[] = [];
for (const trial of result.benchmarks) {
  for (const r of trial.runs) {
    const n = items.get(r.name);
    if (!n || !r.stats) continue;
    // avg is what mitata summarises; min shows the uncontended speed on a shared machine.
    const mps = (ns: number) => ((n / ns) * 1e3).toFixed(1).padStart(7);
    rows.push(`${r.name.padEnd(44)} avg ${mps(r.stats.avg)} M/s  p25 ${mps(r.stats.p25)} M/s  min ${mps(r.stats.min)} M/s  (${(r.stats.avg / n).toFixed(2)} ns/item avg)`);
  }
}
if (rows.length > 0) console.log(`\nthroughput (items/s):\n${rows.join("\n")}`);
for (const t of teardowns) await t();
