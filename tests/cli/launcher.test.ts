// bin/aeon on Node: runs the pre-bundled build/aeon.mjs when it is current, src/cli.ts through
// tsx when a source file is newer or AEON_FROM_SOURCE=1. The end-to-end cases work on a COPY of
// the repository (src/, bin/, scripts/bundle.mjs; node_modules symlinked) with its own bundle,
// so they can edit sources and mtimes without disturbing the real tree or parallel test runs.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
// @ts-expect-error -- plain JavaScript build script without type declarations
import { bundleCli, bundleFreshness, chooseLaunch, externalPackages, newestInput } from "../../scripts/bundle.mjs";
import { freePort, httpOk, waitFor } from "../helpers/net.ts";
import { repoRoot, startProcess } from "../helpers/processes.ts";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runNode(args: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: opts.cwd, env: { ...process.env, AEON_FROM_SOURCE: "", AEON_LAUNCH_DEBUG: "1", ...opts.env }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const seconds = (ms: number) => ms / 1000;

describe("bundle freshness", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "aeon-launcher-unit-"));
    await mkdir(join(root, "src", "sub"), { recursive: true });
    await mkdir(join(root, "build"));
    await writeFile(join(root, "src", "a.ts"), "export const a = 1;\n");
    await writeFile(join(root, "src", "sub", "b.ts"), "export const b = 2;\n");
    // Every input one hour ago, so mtimes set below are unambiguous.
    const old = seconds(Date.now() - 3600_000);
    for (const p of ["src/a.ts", "src/sub/b.ts", "src/sub", "src"]) await utimes(join(root, p), old, old);
  });
  after(() => rm(root, { recursive: true, force: true }));

  const setBundleMtime = async (ms: number) => {
    await writeFile(join(root, "build", "aeon.mjs"), "// stand-in\n");
    await utimes(join(root, "build", "aeon.mjs"), seconds(ms), seconds(ms));
  };

  test("no bundle: not fresh, launcher takes the source", async () => {
    await rm(join(root, "build", "aeon.mjs"), { force: true });
    const f = bundleFreshness(root);
    assert.equal(f.fresh, false);
    assert.match(f.reason, /aeon\.mjs missing/);
    assert.equal(chooseLaunch(root, {}).mode, "source");
  });

  test("a bundle newer than every file and folder under src/ is fresh", async () => {
    await setBundleMtime(Date.now() - 1000);
    assert.deepEqual(bundleFreshness(root), { fresh: true, reason: "" });
    const launch = chooseLaunch(root, {});
    assert.equal(launch.mode, "bundle");
    assert.equal(launch.path, join(root, "build", "aeon.mjs"));
  });

  test("AEON_FROM_SOURCE=1 takes the source even with a fresh bundle", async () => {
    await setBundleMtime(Date.now() - 1000);
    assert.deepEqual(chooseLaunch(root, { AEON_FROM_SOURCE: "1" }), { mode: "source", reason: "AEON_FROM_SOURCE=1" });
  });

  test("a nested source file newer than the bundle makes it stale, and the reason names it", async () => {
    await setBundleMtime(Date.now() - 1000);
    const now = seconds(Date.now());
    await utimes(join(root, "src", "sub", "b.ts"), now, now);
    const f = bundleFreshness(root);
    assert.equal(f.fresh, false);
    assert.match(f.reason, /src\/sub\/b\.ts is newer than .*build\/aeon\.mjs/);
    assert.equal(chooseLaunch(root, {}).mode, "source");
    assert.equal(newestInput(root).path, join(root, "src", "sub", "b.ts"));
  });

  test("deleting a source file (only its folder's mtime changes) makes the bundle stale", async () => {
    await setBundleMtime(Date.now() - 1000);
    const old = seconds(Date.now() - 3600_000);
    await utimes(join(root, "src", "sub", "b.ts"), old, old);
    assert.equal(bundleFreshness(root).fresh, true);
    await rm(join(root, "src", "a.ts"));
    const f = bundleFreshness(root);
    assert.equal(f.fresh, false);
    assert.equal(newestInput(root).path, join(root, "src"));
  });

  test("without src/ (build/ deployed alone) the bundle is the only choice", async () => {
    const bare = await mkdtemp(join(tmpdir(), "aeon-launcher-bare-"));
    try {
      await mkdir(join(bare, "build"));
      await writeFile(join(bare, "build", "aeon.mjs"), "// stand-in\n");
      assert.deepEqual(bundleFreshness(bare), { fresh: true, reason: "" });
      assert.equal(chooseLaunch(bare, {}).mode, "bundle");
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });
});

describe("bin/aeon on a copy of the repository", () => {
  let copy: string;
  let bundle: string;
  before(async () => {
    copy = await mkdtemp(join(tmpdir(), "aeon-launcher-repo-"));
    await cp(join(repoRoot, "src"), join(copy, "src"), { recursive: true });
    await cp(join(repoRoot, "bin"), join(copy, "bin"), { recursive: true });
    await mkdir(join(copy, "scripts"));
    await cp(join(repoRoot, "scripts", "bundle.mjs"), join(copy, "scripts", "bundle.mjs"));
    for (const f of ["package.json", "tsconfig.json"]) await cp(join(repoRoot, f), join(copy, f));
    await symlink(join(repoRoot, "node_modules"), join(copy, "node_modules"), "dir");
    bundle = join(copy, "build", "aeon.mjs");
    const bytes = await bundleCli({ root: copy });
    assert.ok(bytes > 100_000, `bundle of ${bytes} bytes`);
  });
  after(() => rm(copy, { recursive: true, force: true }));

  test("bundleCli stamps the bundle with the newest input's mtime, so it is fresh right away", async () => {
    const st = await stat(bundle);
    assert.ok(st.mtimeMs >= newestInput(copy).mtimeMs);
    assert.deepEqual(bundleFreshness(copy), { fresh: true, reason: "" });
    assert.ok((await stat(`${bundle}.map`)).size > 0, "linked source map written beside the bundle");
  });

  test("packages reading files beside themselves stay external and load from the bundle's place", async () => {
    const text = await readFile(bundle, "utf8");
    assert.deepEqual(externalPackages, ["@bokuweb/zstd-wasm"]);
    assert.match(text, /import\("@bokuweb\/zstd-wasm"\)/, "zstd-wasm is imported at run time, not inlined");
    // The same specifier, resolved from build/: zstd-wasm finds its zstd.wasm and round-trips.
    const probe = join(copy, "build", "zstd-probe.mjs");
    await writeFile(
      probe,
      `const mod = await import("@bokuweb/zstd-wasm");
const z = typeof mod.init === "function" ? mod : mod.default;
await z.init();
const input = new TextEncoder().encode("aeon ".repeat(1000));
const packed = z.compress(input, 3);
const back = z.decompress(packed);
console.log(packed.length < input.length && Buffer.from(back).equals(Buffer.from(input)) ? "zstd ok" : "zstd mismatch");
`,
    );
    const r = await runNode([probe], { cwd: copy });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "zstd ok");
  });

  test("selfcheck runs from the bundle (the inlined WASM kernels work)", async () => {
    const r = await runNode([join(copy, "bin", "aeon"), "selfcheck"], { cwd: copy });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /^launcher: bundle$/m);
    assert.match(r.stdout, /^all \d+ kernel checks passed$/m);
    assert.match(r.stdout, /aeon selfcheck on node /);
  });

  test("tools promql-test runs the PromQL engine from the bundle", async () => {
    const file = join(copy, "tiny.test");
    await writeFile(file, `load 1m\n  m{a="x"} 1 2 3\n\neval instant at 2m m * 2\n  {a="x"} 6\n`);
    const r = await runNode([join(copy, "bin", "aeon"), "tools", "promql-test", file], { cwd: copy });
    assert.match(r.stderr, /^launcher: bundle$/m);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /^1 passed, 0 failed/m);
  });

  test("store gateway started from the bundle becomes ready on an empty filesystem bucket", async () => {
    const bucketDir = join(copy, "bucket");
    await mkdir(bucketDir);
    const [http, grpc] = [await freePort(), await freePort()];
    const p = startProcess(
      process.execPath,
      [
        join(copy, "bin", "aeon"),
        "store",
        `--objstore.config=type: FILESYSTEM\nconfig:\n  directory: ${bucketDir}\n`,
        `--data-dir=${join(copy, "store-data")}`,
        `--http-address=127.0.0.1:${http}`,
        `--grpc-address=127.0.0.1:${grpc}`,
      ],
      { cwd: copy, env: { AEON_LAUNCH_DEBUG: "1", AEON_FROM_SOURCE: "" } },
    );
    try {
      await waitFor("store from the bundle", async () => {
        if (p.child.exitCode !== null) throw new Error(`exited with ${p.child.exitCode}: ${p.output()}`);
        return httpOk(`http://127.0.0.1:${http}/-/ready`);
      }, 60_000);
      assert.match(p.output(), /^launcher: bundle$/m);
    } finally {
      await p.stop();
    }
  });

  test("AEON_FROM_SOURCE=1 runs src/cli.ts through tsx", async () => {
    const r = await runNode([join(copy, "bin", "aeon"), "--version"], { cwd: copy, env: { AEON_FROM_SOURCE: "1" } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^launcher: source \(AEON_FROM_SOURCE=1\)$/m);
    assert.match(r.stdout, /^aeon, version /m);
  });

  // Last: it edits the copy's source, which leaves the bundle stale.
  test("an edited source file makes bin/aeon run the current source, not the stale bundle", async () => {
    const versionFile = join(copy, "src", "version.ts");
    const text = await readFile(versionFile, "utf8");
    assert.match(text, /export const version = "[^"]*";/);
    await writeFile(versionFile, text.replace(/export const version = "[^"]*";/, 'export const version = "9.9.9-edited";'));
    // The bundle still holds the old version; the launcher must notice and use the source.
    assert.doesNotMatch(await readFile(bundle, "utf8"), /9\.9\.9-edited/);
    const r = await runNode([join(copy, "bin", "aeon"), "--version"], { cwd: copy });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^launcher: source \(.*src\/version\.ts is newer than .*build\/aeon\.mjs\)$/m);
    assert.match(r.stdout, /^aeon, version 9\.9\.9-edited /m);

    // Rebuilding makes the bundle current again, with the edit inside.
    await bundleCli({ root: copy });
    const again = await runNode([join(copy, "bin", "aeon"), "--version"], { cwd: copy });
    assert.match(again.stderr, /^launcher: bundle$/m);
    assert.match(again.stdout, /^aeon, version 9\.9\.9-edited /m);
  });
});
