// `bun build --compile` yields one self-contained binary: copied alone into an empty folder it
// still runs `version` and `selfcheck` (wasm inlined, no node_modules needed). Takes a few
// seconds (bundling is fast; the binary is ~110 MB because it embeds the bun runtime).
import assert from "node:assert/strict";
import { mkdtemp, rm, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { root, run } from "./run.ts";

test("compiled binary runs alone in an empty folder", async () => {
  const buildDir = await mkdtemp(join(tmpdir(), "aeon-compile-"));
  const runDir = await mkdtemp(join(tmpdir(), "aeon-bin-"));
  try {
    const built = join(buildDir, "aeon");
    const c = run(process.execPath, ["scripts/compile.mjs", built], root);
    assert.equal(c.status, 0, `compile failed: ${c.stderr}`);
    const lone = join(runDir, "aeon");
    await copyFile(built, lone);
    await rm(buildDir, { recursive: true, force: true });
    const v = run(lone, ["version"], runDir);
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /^aeon, version /);
    const s = run(lone, ["selfcheck"], runDir);
    assert.equal(s.status, 0, `${s.stdout}\n${s.stderr}`);
    assert.match(s.stdout, /kernel checks passed/);
  } finally {
    await rm(buildDir, { recursive: true, force: true });
    await rm(runDir, { recursive: true, force: true });
  }
});
