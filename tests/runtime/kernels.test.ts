// The kernels give bit-identical results under node, bun and deno, and `selfcheck` passes in
// all three (and through bin/aeon, the npm entry point).
import assert from "node:assert/strict";
import { test } from "node:test";
import { root, run, runtimes } from "./run.ts";

test("kernel fingerprint is identical under node, bun and deno", () => {
  const outputs: Record<string, string> = {};
  for (const [name, cmdline] of Object.entries(runtimes)) {
    const [cmd, args] = cmdline("tests/runtime/fingerprint.ts", []);
    const r = run(cmd, args);
    assert.equal(r.status, 0, `${name} failed: ${r.stderr}`);
    outputs[name] = r.stdout.trim();
    const parsed = JSON.parse(outputs[name]) as Record<string, string | number>;
    assert.ok((parsed.samples as number) > 0, `${name}: no samples`);
    // The WASM kernels and their references agree inside each runtime too.
    assert.equal(parsed.xorEncodeWasm, parsed.xorEncodeRef, `${name}: xor encoders differ`);
    assert.equal(parsed.xorDecodeWasm, parsed.xorDecodeRef, `${name}: xor decoders differ`);
  }
  assert.equal(outputs.bun, outputs.node, "bun differs from node");
  assert.equal(outputs.deno, outputs.node, "deno differs from node");
});

test("selfcheck passes under bin/aeon, bun and deno", () => {
  const cases: [string, string, string[]][] = [
    ["bin/aeon", process.execPath, ["bin/aeon", "selfcheck"]],
    ["bun", ...runtimes.bun("src/cli.ts", ["selfcheck"])],
    ["deno", ...runtimes.deno("src/cli.ts", ["selfcheck"])],
  ];
  for (const [name, cmd, args] of cases) {
    const r = run(cmd, args, root);
    assert.equal(r.status, 0, `${name} selfcheck failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /kernel checks passed/, name);
    assert.doesNotMatch(r.stdout, /FAIL/, name);
  }
});
