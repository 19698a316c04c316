// `npm test`: runs every tests/**/*.test.ts with node's test runner on Node (through tsx).
// Node 20 has no test globs, so the file list is collected here. Tests that prove Bun and Deno
// (tests/runtime/) are node:test files too: they spawn the other runtimes themselves.
// Extra args filter files by substring: `npm test -- tsdb/index`.
// The CLI bundle (build/aeon.mjs) is rebuilt first, so components the tests start through bin/aeon
// run the current source from the bundle; kernels and protos are NOT regenerated here (slow; run
// `npm run build` after changing assembly/ or proto/).
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleCli } from "./bundle.mjs";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
const filters = process.argv.slice(2);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const files = walk(join(root, "tests"))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error("run-tests: no test files matched");
  process.exit(1);
}
try {
  const started = Date.now();
  const bytes = await bundleCli({ root });
  console.error(`run-tests: bundled build/aeon.mjs (${(bytes / 1e6).toFixed(1)} MB) in ${Date.now() - started} ms`);
} catch (e) {
  // A source file that does not compile fails its tests anyway; bin/aeon falls back to tsx
  // while the old bundle is older than the source, so run the tests rather than stop here.
  console.error(`run-tests: bundling build/aeon.mjs failed, bin/aeon will run from source: ${e.message}`);
}
// Many tests wait on child processes (Prometheus, our own servers), so run a few files at once
// even on a 2-core machine.
const concurrency = process.env.AEON_TEST_CONCURRENCY ?? "3";
const child = spawn(
  process.execPath,
  ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...files],
  { cwd: root, stdio: ["inherit", "pipe", "inherit"], env: { ...process.env, AEON_ROOT: root } },
);
// The spec reporter prints its totals before the list of failures; repeat them as the last line
// (`N passed, N failed`) so whoever reads the end of the log sees the outcome.
let tail = "";
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-64 * 1024);
});
child.on("exit", (code, signal) => {
  const count = (name) => {
    const all = [...tail.matchAll(new RegExp(`^ℹ ${name} (\\d+)$`, "gm"))];
    return all.length ? Number(all[all.length - 1][1]) : null;
  };
  const passed = count("pass");
  const failed = count("fail");
  if (passed !== null && failed !== null) {
    const skipped = count("skipped") ?? 0;
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
  }
  process.exit(code ?? (signal ? 1 : 0));
});
