// Kill -9 of a running `aeon compact` pass, then a restart: the restarted pass completes the
// job, and promtool dumps exactly the input samples from the visible blocks (nothing lost,
// nothing twice), with no overlapping visible blocks. The kill lands at a different point of
// the work each round (after the 1st, 3rd, 5th compaction has started, plus a delay).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FilesystemBucket } from "../../src/objstore/index.ts";
import { RES_RAW } from "../../src/tsdb/index.ts";
import { waitFor } from "../helpers/net.ts";
import { repoRoot, startProcess } from "../helpers/processes.ts";
import { genSeries, uploadRange } from "../compact/blocks.ts";
import { D, downloadAll, H, hasPromtool, objectStoreYaml, promtoolDump, runAeon, tempDir, visibleBlocks } from "../compact/fixtures.ts";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

for (const [round, killAfter, delayMs] of [
  [1, 1, 0],
  [2, 3, 40],
  [3, 5, 120],
] as const) {
  test(`kill -9 during compaction (round ${round}), restart: the job completes with every sample exactly once`, { skip: !hasPromtool && "promtool not installed" }, async () => {
    const dir = await tempDir("aeon-compact-kill-");
    dirs.push(dir);
    const bucketDir = join(dir, "bucket");
    await mkdir(bucketDir);
    const bucket = new FilesystemBucket({ directory: bucketDir });
    const configFile = join(dir, "objstore.yaml");
    await writeFile(configFile, objectStoreYaml(bucketDir));
    const t0 = Math.floor((Date.now() - 10 * D) / (2 * D)) * 2 * D;
    const series = genSeries(40, t0, t0 + 26 * H, 30_000);
    await uploadRange(bucket, join(dir, "scratch"), series, t0, t0 + 26 * H, { cluster: "eu" });
    const inputDir = await downloadAll(bucket, await visibleBlocks(bucket, RES_RAW), join(dir, "input"));
    const inputDump = promtoolDump(inputDir);

    const args = ["compact", `--objstore.config-file=${configFile}`, `--data-dir=${join(dir, "work")}`, "--consistency-delay=0s", "--delete-delay=0s"];
    const p = startProcess(process.execPath, [join(repoRoot, "bin", "aeon"), ...args]);
    await waitFor("compaction to start", async () => {
      const started = (p.output().match(/msg="compacting blocks"/g) ?? []).length;
      if (p.child.exitCode !== null) return true; // finished before the kill point: still a valid round
      return started >= killAfter;
    }, 60_000, 5);
    await new Promise((r) => setTimeout(r, delayMs));
    await p.stop("SIGKILL");

    const r = runAeon(args);
    assert.equal(r.code, 0, r.output);
    const raw = await visibleBlocks(bucket, RES_RAW);
    for (let i = 1; i < raw.length; i++) assert.ok(raw[i].minTime >= raw[i - 1].maxTime, "visible blocks overlap");
    assert.ok(raw.some((m) => m.compaction.level >= 2), "compaction finished");
    const outDump = promtoolDump(await downloadAll(bucket, raw, join(dir, "output")));
    assert.equal(outDump.length, inputDump.length);
    assert.deepEqual(outDump, inputDump);
  });
}
