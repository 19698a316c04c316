// `aeon store` as a real process under Node (bin/aeon), Bun and Deno: it syncs a filesystem
// bucket of promtool-made blocks (and the S3 test server, on Node), becomes ready, and answers Series/LabelValues over gRPC with
// exactly promtool's samples; /metrics shows the loaded blocks.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { LabelValuesRequestSchema, SeriesRequestSchema } from "../../src/gen/thanos/store/rpc_pb.ts";
import { Matcher } from "../../src/labels/index.ts";
import { FilesystemBucket, S3Bucket } from "../../src/objstore/index.ts";
import { startS3Server } from "../helpers/s3-server.ts";
import { createStoreClient } from "../../src/store/grpc/index.ts";
import { matchersToProto } from "../../src/store/index.ts";
import { freePort, waitFor, httpOk } from "../helpers/net.ts";
import { repoRoot, startAeon, startProcess, type Proc } from "../helpers/processes.ts";
import { hasPromtool } from "../tsdb/fixtures.ts";
import { collect, expectedLines, promtoolBlocks, responseLines, uploadAll } from "../store/bucket-fixtures.ts";

const skip = !hasPromtool && "promtool not installed";
const bin = (n: string) => join(repoRoot, "node_modules", ".bin", n);

async function startStore(runtime: "node" | "bun" | "deno", args: string[], http: number): Promise<Proc> {
  const ready = `http://127.0.0.1:${http}/-/ready`;
  if (runtime === "node") return startAeon(["store", ...args], ready, 60_000);
  const cli = join(repoRoot, "src", "cli.ts");
  const p = runtime === "bun" ? startProcess(bin("bun"), ["run", cli, "store", ...args]) : startProcess(bin("deno"), ["run", "-A", cli, "store", ...args]);
  try {
    await waitFor(`aeon store on ${runtime}`, async () => {
      if (p.child.exitCode !== null) throw new Error(`exited with ${p.child.exitCode}`);
      return httpOk(ready);
    }, 90_000);
  } catch (e) {
    await p.stop("SIGKILL");
    throw new Error(`${(e as Error).message}\n--- output ---\n${p.output()}`);
  }
  return p;
}

describe("aeon store process", { skip }, () => {
  let dir: string;
  let fx: Awaited<ReturnType<typeof promtoolBlocks>>;
  let cfg: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "aeon-store-e2e-"));
    fx = await promtoolBlocks(dir, 5);
    await uploadAll(new FilesystemBucket({ directory: join(dir, "bucket") }), fx.db, fx.ids);
    cfg = join(dir, "objstore.yml");
    await writeFile(cfg, `type: FILESYSTEM\nconfig:\n  directory: ${join(dir, "bucket")}\n`);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  for (const runtime of ["node", "bun", "deno"] as const) {
    test(`serves promtool blocks over gRPC under ${runtime}`, async () => {
      const [grpc, http] = [await freePort(), await freePort()];
      const args = [
        `--objstore.config-file=${cfg}`,
        `--data-dir=${join(dir, `data-${runtime}`)}`,
        `--grpc-address=127.0.0.1:${grpc}`,
        `--http-address=127.0.0.1:${http}`,
        "--index-cache-size=10MB",
      ];
      const p = await startStore(runtime, args, http);
      const client = createStoreClient({ address: `127.0.0.1:${grpc}` });
      try {
        const ms = [new Matcher("=~", "__name__", "aeon_test_metric_[01].*"), new Matcher("!=", "job", "node")];
        const resps = await collect(client.series(create(SeriesRequestSchema, { minTime: 0n, maxTime: BigInt(9e15), matchers: matchersToProto(ms) })));
        const got = responseLines(resps, 0, 9e15);
        const want = expectedLines(fx.dump, ms, 0, 9e15);
        assert.ok(want.length > 0);
        assert.deepEqual(got.lines, want);
        const jobs = await client.labelValues(create(LabelValuesRequestSchema, { label: "job" }));
        assert.deepEqual(jobs.values, ["api", "node"]);
        const metrics = await (await fetch(`http://127.0.0.1:${http}/metrics`)).text();
        assert.match(metrics, new RegExp(`thanos_bucket_store_blocks_loaded ${fx.ids.length}\\b`));
        assert.match(metrics, /thanos_bucket_store_series_fetched_count 1/);
      } finally {
        await client.close();
        await p.stop();
      }
      assert.match(p.output(), /level=info .*msg="initial block sync done"/);
    });
  }

  test("serves the same blocks from the S3 test server (--objstore.config YAML, SigV4)", async () => {
    const s3 = await startS3Server();
    try {
      await uploadAll(new S3Bucket(s3.config), fx.db, fx.ids);
      const [grpc, http] = [await freePort(), await freePort()];
      const p = await startStore("node", [`--objstore.config=${s3.yaml}`, `--data-dir=${join(dir, "data-s3")}`, `--grpc-address=127.0.0.1:${grpc}`, `--http-address=127.0.0.1:${http}`], http);
      const client = createStoreClient({ address: `127.0.0.1:${grpc}` });
      try {
        const ms = [new Matcher("=~", "instance", "host-[24]:9100")];
        const resps = await collect(client.series(create(SeriesRequestSchema, { minTime: 0n, maxTime: BigInt(9e15), matchers: matchersToProto(ms) })));
        const want = expectedLines(fx.dump, ms, 0, 9e15);
        assert.ok(want.length > 0);
        assert.deepEqual(responseLines(resps, 0, 9e15).lines, want);
      } finally {
        await client.close();
        await p.stop();
      }
    } finally {
      await s3.stop();
    }
  });

  test("flag errors: no objstore config", async () => {
    const p = startProcess(process.execPath, [join(repoRoot, "bin", "aeon"), "store"]);
    await waitFor("exit", async () => p.child.exitCode !== null, 30_000);
    assert.notEqual(p.child.exitCode, 0);
    assert.match(p.output(), /objstore\.config/);
  });
});
