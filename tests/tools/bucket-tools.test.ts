// `aeon tools bucket upload|ls|inspect|verify|dump` run as processes (bin/aeon) against a
// filesystem bucket and the real S3 server (SigV4-checking), on blocks Debian's promtool made.
// `bucket dump` must print exactly what `promtool tsdb dump` prints for the same blocks.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startS3Server, type S3Server } from "../helpers/s3-server.ts";
import { assertSameLines, fsYaml, havePromtool, openMetrics, promtoolBlocks, promtoolDump, sortLines } from "./fixtures.ts";
import { runAeon, runInProcess } from "./run-aeon.ts";

const skip = !havePromtool && "promtool not installed";
const T0 = 1_700_000_000; // seconds

describe("bucket tools as processes", { skip }, () => {
  let tmp: string;
  let blocks: string[];
  let ids: string[];
  let theirs: string;
  let s3: S3Server | undefined;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), "aeon-bucket-tools-"));
    blocks = await promtoolBlocks(tmp, "main", openMetrics({ startSec: T0, endSec: T0 + 5 * 3600, stepSec: 60 }));
    ids = blocks.map((b) => b.split("/").pop()!);
    assert.ok(blocks.length >= 3, `promtool made ${blocks.length} blocks`);
    theirs = sortLines(await promtoolDump(tmp, blocks));
  });
  after(async () => {
    await s3?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  // Uploads with the CLI, then checks ls (table + json), inspect, verify and dump. Upload and the
  // full dump always run as processes; with `allProcesses` `ls --output=json` and `verify` too.
  // The rest go through the same command objects in-process (each process costs seconds of tsx
  // start-up on a busy machine).
  async function exercise(cfg: string, allProcesses: boolean) {
    const base = [`--objstore.config-file=${cfg}`];
    const up = await runAeon(["tools", "bucket", "upload", join(tmp, "main"), ...base, '--label=replica="r1"', "--label=cluster=eu"]);
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(up.stdout.trim().split("\n").sort(), ids);

    const run = (args: string[]) => (allProcesses ? runAeon(["tools", "bucket", ...args]) : runInProcess(args));
    const [ls, lsJson, inspect, verify, dump, dumpSel] = await Promise.all([
      runInProcess(["ls", ...base]),
      run(["ls", ...base, "--output=json"]),
      runInProcess(["inspect", ...base, '--selector=replica="r1"']),
      run(["verify", ...base]),
      runAeon(["tools", "bucket", "dump", ...base]),
      runInProcess(["dump", ...base, `--id=${ids[1]}`, '--match=http_requests_total{code="500",instance=~"a.*"}', "--with-external-labels"]),
    ]);
    for (const r of [ls, lsJson, inspect, verify, dump, dumpSel]) assert.equal(r.code, 0, r.stderr);

    const lines = ls.stdout.trim().split("\n");
    assert.match(lines[0], /^ULID\s+FROM\s+UNTIL\s+DURATION\s+RES\s+LEVEL\s+SERIES\s+SAMPLES\s+CHUNKS\s+SIZE\s+LABELS$/);
    assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)[0]), ids);
    for (const l of lines.slice(1)) assert.match(l, /cluster=eu,replica=r1$/);

    const rows = JSON.parse(lsJson.stdout) as { ulid: string; labels: Record<string, string>; series: number; samples: number; sizeBytes: number; minTimeRFC3339: string; minTime: number; maxTime: number }[];
    assert.deepEqual(rows.map((r) => r.ulid), ids);
    for (const [i, r] of rows.entries()) {
      const local = JSON.parse(await readFile(join(blocks[i], "meta.json"), "utf8"));
      assert.deepEqual(r.labels, { cluster: "eu", replica: "r1" });
      assert.equal(r.series, local.stats.numSeries);
      assert.equal(r.samples, local.stats.numSamples);
      assert.ok(r.sizeBytes > 0);
      assert.equal(r.minTimeRFC3339, new Date(local.minTime).toISOString().replace(".000Z", "Z"));
    }

    const ins = inspect.stdout.trim().split("\n");
    assert.match(ins[0], /^ULID\s+FROM\s+UNTIL\s+RANGE\s+UNTIL-DOWN\s+#SERIES/);
    assert.deepEqual(ins.slice(1).map((l) => l.split(/\s+/)[0]), ids);
    for (const l of ins.slice(1)) assert.match(l, /cluster=eu,replica=r1\s+0s\s+bucket\.upload$/);

    assert.match(verify.stdout, new RegExp(`^${ids.length} block\\(s\\) checked, 0 problem\\(s\\)$`, "m"));

    // Byte-for-byte the same lines as promtool's dump (order aside: sort | cmp).
    assertSameLines(sortLines(dump.stdout), theirs);
    assert.equal(dump.stdout.split("\n").filter(Boolean).length, theirs.split("\n").filter(Boolean).length);

    // --id, --match and --with-external-labels: only that block's matching series, labels added.
    const want = theirs
      .split("\n")
      .filter((l) => l.startsWith('{__name__="http_requests_total", code="500", instance="a:9090"'))
      .filter((l) => {
        const ts = Number(l.split(" ").pop());
        return ts >= rows[1].minTime && ts < rows[1].maxTime;
      })
      .map((l) => l.replace('instance="a:9090", job="api"}', 'instance="a:9090", job="api", replica="r1"}').replace('{__name__="http_requests_total", code="500"', '{__name__="http_requests_total", cluster="eu", code="500"'));
    assert.ok(want.length > 0);
    assert.deepEqual(dumpSel.stdout.trim().split("\n"), want);
  }

  test("filesystem bucket", async () => {
    const cfg = join(tmp, "fs.yml");
    await writeFile(cfg, fsYaml(join(tmp, "fs-bucket")));
    await exercise(cfg, false);
  });

  test("S3 bucket (real server, SigV4 checked)", async () => {
    s3 = await startS3Server();
    const cfg = join(tmp, "s3.yml");
    await writeFile(cfg, s3.yaml);
    await exercise(cfg, true);
  });

  test("bad flags and a missing bucket config fail with a message, not a crash", async () => {
    const noCfg = await runInProcess(["ls"]);
    const badOut = await runInProcess(["ls", `--objstore.config=${fsYaml(join(tmp, "fs-bucket"))}`, "--output=xml"]);
    const badMatch = await runInProcess(["dump", `--objstore.config=${fsYaml(join(tmp, "fs-bucket"))}`, "--match=rate(x[5m])"]);
    const badCfg = await runInProcess(["ls", "--objstore.config=type: NOPE"]);
    assert.equal(badCfg.code, 2);
    assert.match(badCfg.stderr, /unknown type "NOPE"/);
    assert.equal(noCfg.code, 2);
    assert.match(noCfg.stderr, /objstore\.config/);
    assert.equal(badOut.code, 2);
    assert.match(badOut.stderr, /--output/);
    assert.equal(badMatch.code, 2);
    assert.match(badMatch.stderr, /--match wants a series selector/);
  });
});
