// Measures what the pre-bundled CLI saves: starts `bin/aeon store` on an empty filesystem bucket,
// alternately from the bundle (build/aeon.mjs) and from source through tsx (AEON_FROM_SOURCE=1),
// and reports per mode the median time from spawn to the first 200 on /-/ready and the resident
// memory (VmRSS, plus the peak VmHWM) read from /proc/<pid>/status after it idled a while.
// Linux only (/proc). Usage: node scripts/measure-launcher.mjs [runs per mode, default 5]
// Rebuilds the bundle first (kernels and protos must already be generated: npm run build).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { bundleCli, bundleFreshness, repoRoot } from "./bundle.mjs";

const runs = Number(process.argv[2] ?? 5);
const idleMs = 3000;

await bundleCli();

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function memKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, "m").exec(status)[1]);
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

async function once(mode) {
  const dir = mkdtempSync(join(tmpdir(), "aeon-measure-launcher-"));
  const [http, grpc] = [await freePort(), await freePort()];
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(repoRoot, "bin", "aeon"),
      "store",
      `--objstore.config=type: FILESYSTEM\nconfig:\n  directory: ${join(dir, "bucket")}\n`,
      `--data-dir=${join(dir, "data")}`,
      `--http-address=127.0.0.1:${http}`,
      `--grpc-address=127.0.0.1:${grpc}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, AEON_LAUNCH_DEBUG: "1", AEON_FROM_SOURCE: mode === "source" ? "1" : "" } },
  );
  let stderr = "";
  child.stderr.on("data", (b) => (stderr += b));
  try {
    let readyMs;
    while (readyMs === undefined) {
      if (child.exitCode !== null) throw new Error(`store exited with ${child.exitCode}: ${stderr}`);
      if (performance.now() - started > 60_000) throw new Error(`store not ready after 60 s: ${stderr}`);
      try {
        if ((await fetch(`http://127.0.0.1:${http}/-/ready`)).status === 200) readyMs = performance.now() - started;
      } catch {
        // not listening yet
      }
      if (readyMs === undefined) await sleep(10);
    }
    // A source file edited meanwhile sends bin/aeon back to tsx: rebuild and count this run again.
    if (!stderr.includes(`launcher: ${mode}`)) return null;
    await sleep(idleMs);
    return { readyMs, ...memKiB(child.pid) };
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { source: [], bundle: [] };
for (let i = 0; i < runs; i++) {
  for (const mode of ["source", "bundle"]) {
    let r;
    for (let attempt = 0; (r = await once(mode)) === null; attempt++) {
      if (attempt === 3) throw new Error(`launcher kept choosing the wrong path for ${mode}`);
      if (!bundleFreshness().fresh) await bundleCli();
    }
    results[mode].push(r);
  }
}

console.log(`bin/aeon store, empty filesystem bucket, node ${process.versions.node}, median of ${runs} runs per mode`);
console.log("mode     ready_ms  idle_rss_MiB  peak_rss_MiB");
for (const mode of ["source", "bundle"]) {
  const r = results[mode];
  const ms = median(r.map((x) => x.readyMs));
  const rss = median(r.map((x) => x.rss)) / 1024;
  const hwm = median(r.map((x) => x.hwm)) / 1024;
  console.log(`${(mode === "source" ? "tsx" : "bundle").padEnd(8)} ${ms.toFixed(0).padStart(8)}  ${rss.toFixed(1).padStart(12)}  ${hwm.toFixed(1).padStart(12)}`);
}
