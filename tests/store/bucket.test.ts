// The store gateway's BucketStore against real peers: blocks written by Debian's promtool, in a
// filesystem bucket and in the S3 test server (SigV4-checking), queried over real gRPC; every
// answer is checked against `promtool tsdb dump` of the same blocks.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { FilesystemBucket, S3Bucket, type Bucket } from "../../src/objstore/index.ts";
import { Matcher, type MatchType } from "../../src/labels/index.ts";
import { SeriesRequestSchema, LabelNamesRequestSchema, LabelValuesRequestSchema } from "../../src/gen/thanos/store/rpc_pb.ts";
import { createStoreClient, serveStoreGrpc, type GrpcServer, type GrpcStoreClient } from "../../src/store/grpc/index.ts";
import { matchersToProto, StoreError } from "../../src/store/index.ts";
import { BucketStore } from "../../src/store/bucket/index.ts";
import { Registry } from "../../src/observability/index.ts";
import { hasPromtool } from "../tsdb/fixtures.ts";
import { startS3Server, type S3Server } from "../helpers/s3-server.ts";
import { collect, expectedLines, parseDumpLine, promtoolBlocks, responseLines, START, uploadAll } from "./bucket-fixtures.ts";

const skip = !hasPromtool && "promtool not installed";
const m = (type: MatchType, name: string, value: string) => new Matcher(type, name, value);
const ALL_TIME: [number, number] = [0, 9e15];

// Matcher combinations checked against promtool's dump; time ranges cut through blocks.
const CASES: { name: string; ms: Matcher[]; range?: [number, number] }[] = [
  { name: "= on __name__", ms: [m("=", "__name__", "aeon_test_metric_1")] },
  { name: "__name__ regex", ms: [m("=~", "__name__", "aeon_test_metric_.*_total")] },
  { name: "= and !=", ms: [m("=~", "__name__", ".+"), m("!=", "job", "api")] },
  { name: "=~ alternation", ms: [m("=~", "instance", "host-1:9100|host-4:9100")] },
  { name: "!~", ms: [m("=~", "__name__", "aeon_test_metric_[12]"), m("!~", "instance", "host-[0-2].*")] },
  { name: "empty value = missing label", ms: [m("=", "__name__", "aeon_test_metric_2"), m("=", "zone", "")] },
  { name: "!= empty means label present", ms: [m("=~", "__name__", ".+"), m("!=", "zone", "")] },
  { name: "regex matching empty", ms: [m("=~", "__name__", "aeon_test_metric_3_total"), m("=~", "zone", "|日本語|quote.*")] },
  { name: "odd label values", ms: [m("=~", "zone", '.*"and\\\\.*|tab\t.*')] },
  { name: "no match", ms: [m("=", "__name__", "nope")] },
  { name: "time range inside blocks", ms: [m("=~", "job", "api|node")], range: [START + 3 * 3600_000 + 123, START + 5 * 3600_000 - 77] },
];

interface Gateway {
  store: BucketStore;
  grpc: GrpcServer;
  client: GrpcStoreClient;
  registry: Registry;
  close(): Promise<void>;
}

async function startGateway(bucket: Bucket, opts: Partial<ConstructorParameters<typeof BucketStore>[0]> = {}): Promise<Gateway> {
  const registry = new Registry();
  const store = new BucketStore({ bucket, registry, ...opts });
  await store.sync();
  const grpc = await serveStoreGrpc({ address: "127.0.0.1:0", store, registry });
  const client = createStoreClient({ address: `127.0.0.1:${grpc.port}` });
  return {
    store,
    grpc,
    client,
    registry,
    async close() {
      await client.close();
      await grpc.close();
      await store.stop();
    },
  };
}

const seriesReq = (ms: Matcher[], [mint, maxt]: [number, number] = ALL_TIME, extra: Record<string, unknown> = {}) =>
  create(SeriesRequestSchema, { minTime: BigInt(mint), maxTime: BigInt(maxt), matchers: matchersToProto(ms), ...extra });

async function checkCases(gw: Gateway, dump: string[]) {
  for (const c of CASES) {
    const range = c.range ?? ALL_TIME;
    const resps = await collect(gw.client.series(seriesReq(c.ms, range)));
    const got = responseLines(resps, range[0], range[1]);
    const want = expectedLines(dump, c.ms, range[0], range[1]);
    assert.equal(got.warnings.length, 0, `${c.name}: ${got.warnings}`);
    if (c.name !== "no match") assert.ok(want.length > 0, `${c.name}: the case selects something`);
    assert.equal(got.lines.length, want.length, `${c.name}: sample count`);
    assert.deepEqual(got.lines, want, c.name);
    // Sorted, one frame per label set.
    for (let i = 1; i < got.series.length; i++) assert.ok(JSON.stringify(got.series[i - 1]) !== JSON.stringify(got.series[i]), `${c.name}: series repeated`);
  }
}

describe("bucket store over promtool blocks", { skip }, () => {
  let dir: string;
  let fx: Awaited<ReturnType<typeof promtoolBlocks>>;
  let s3: S3Server;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "aeon-bucketstore-"));
    fx = await promtoolBlocks(dir);
    assert.ok(fx.ids.length >= 3, `promtool wrote ${fx.ids.length} blocks`);
  });
  after(async () => {
    await s3?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test("filesystem bucket: Series over gRPC equals promtool's dump for every matcher case", async () => {
    const bucket = new FilesystemBucket({ directory: join(dir, "fs-bucket") });
    await uploadAll(bucket, fx.db, fx.ids);
    // Without a data dir the tables are sampled from the bucket; check that path answers the same.
    const direct = await startGateway(bucket);
    try {
      await checkCases(direct, fx.dump);
    } finally {
      await direct.close();
    }
    const gw = await startGateway(bucket, { dataDir: join(dir, "fs-data") });
    try {
      assert.equal(gw.store.loadedBlocks.length, fx.ids.length);
      assert.match(gw.registry.metricsText(), new RegExp(`aeon_bucket_store_index_headers_total\\{origin="built"\\} ${fx.ids.length}`));
      await checkCases(gw, fx.dump);
      // Series spanning blocks come back as one series with all chunks in time order.
      const resps = await collect(gw.client.series(seriesReq([m("=", "__name__", "aeon_test_metric_0_total"), m("=", "instance", "host-0:9100")])));
      assert.equal(resps.length, 1);
      const s = resps[0].result.value as { chunks: { minTime: bigint; raw?: { hash: bigint } }[] };
      for (let i = 1; i < s.chunks.length; i++) assert.ok(s.chunks[i - 1].minTime < s.chunks[i].minTime);
      assert.ok(s.chunks.every((c) => c.raw!.hash !== 0n));
      const metrics = gw.registry.metricsText();
      assert.match(metrics, new RegExp(`thanos_bucket_store_blocks_loaded ${fx.ids.length}`));
      assert.match(metrics, /thanos_store_index_cache_requests_total\{item_type="Postings"\} [1-9]/);
    } finally {
      await gw.close();
    }
  });

  test("S3 bucket (real server, SigV4): same answers", async () => {
    s3 = await startS3Server();
    const bucket = new S3Bucket(s3.config);
    await uploadAll(bucket, fx.db, fx.ids);
    const gw = await startGateway(bucket, { dataDir: join(dir, "s3-data") });
    try {
      assert.equal(gw.store.loadedBlocks.length, fx.ids.length);
      await checkCases(gw, fx.dump);
    } finally {
      await gw.close();
    }
  });

  test("skip_chunks, limit, label names and values with matchers", async () => {
    const bucket = new FilesystemBucket({ directory: join(dir, "fs-bucket") });
    const gw = await startGateway(bucket);
    try {
      const ms = [m("=~", "__name__", "aeon_test_metric_1|aeon_test_metric_2")];
      const want = [...new Set(expectedLines(fx.dump, ms, ...ALL_TIME).map((l) => JSON.stringify(parseDumpLine(l).labels)))].sort();
      const labelsOnly = await collect(gw.client.series(seriesReq(ms, ALL_TIME, { skipChunks: true })));
      assert.equal(labelsOnly.length, want.length);
      assert.ok(labelsOnly.every((r) => r.result.case === "series" && r.result.value.chunks.length === 0));
      const limited = await collect(gw.client.series(seriesReq(ms, ALL_TIME, { limit: 3n })));
      assert.equal(limited.length, 3);

      const names = await gw.client.labelNames(create(LabelNamesRequestSchema, { matchers: matchersToProto([m("=", "__name__", "aeon_test_metric_1")]) }));
      const wantNames = [...new Set(expectedLines(fx.dump, [m("=", "__name__", "aeon_test_metric_1")], ...ALL_TIME).flatMap((l) => parseDumpLine(l).labels.map((x) => x.name)))].sort();
      assert.deepEqual(names.names, wantNames);
      const jobs = await gw.client.labelValues(create(LabelValuesRequestSchema, { label: "job" }));
      assert.deepEqual(jobs.values, ["api", "node"]);
      const zones = await gw.client.labelValues(create(LabelValuesRequestSchema, { label: "zone", matchers: matchersToProto([m("=", "job", "node")]) }));
      const wantZones = [...new Set(expectedLines(fx.dump, [m("=", "job", "node"), m("!=", "zone", "")], ...ALL_TIME).map((l) => parseDumpLine(l).labels.find((x) => x.name === "zone")!.value))].sort();
      assert.deepEqual(zones.values, wantZones);
      const info = await gw.client.info();
      assert.equal(info.store!.supportsWithoutReplicaLabels, true);
      assert.ok(info.store!.minTime <= BigInt(parseDumpLine(fx.dump[0]).ts));
    } finally {
      await gw.close();
    }
  });

  test("bad input: InvalidArgument with a message", async () => {
    const bucket = new FilesystemBucket({ directory: join(dir, "fs-bucket") });
    const gw = await startGateway(bucket);
    try {
      const bad = async (req: ReturnType<typeof seriesReq>, re: RegExp) => {
        await assert.rejects(collect(gw.client.series(req)), (e: unknown) => {
          assert.ok(e instanceof StoreError, String(e));
          assert.equal(e.code, "InvalidArgument");
          assert.match(e.message, re);
          return true;
        });
      };
      const badRegex = create(SeriesRequestSchema, { minTime: 0n, maxTime: 10n, matchers: [{ $typeName: "thanos.LabelMatcher", type: 2, name: "job", value: "a(b" }] });
      await bad(badRegex, /regex|parse|missing/i);
      await bad(seriesReq([m("=", "job", "api")], [100, 10]), /min_time 100 > max_time 10/);
      await bad(seriesReq([m("=", "job", "api")], ALL_TIME, { aggregates: [9] }), /unknown aggregate 9/);
      // Still serving after the errors.
      assert.ok((await collect(gw.client.series(seriesReq([m("=", "job", "api")])))).length > 0);
    } finally {
      await gw.close();
    }
  });

  test("limits: request-series and request-samples give ResourceExhausted", async () => {
    const bucket = new FilesystemBucket({ directory: join(dir, "fs-bucket") });
    for (const [opts, re] of [
      [{ maxSeries: 5 }, /exceeded series limit: limit 5/],
      [{ maxSamples: 1000 }, /exceeded samples limit: limit 1000/],
    ] as const) {
      const gw = await startGateway(bucket, opts);
      try {
        await assert.rejects(collect(gw.client.series(seriesReq([m("=~", "job", ".+")]))), (e: unknown) => {
          assert.ok(e instanceof StoreError);
          assert.equal(e.code, "ResourceExhausted");
          assert.match(e.message, re);
          return true;
        });
        // A narrow query still works.
        const ok = await collect(gw.client.series(seriesReq([m("=", "__name__", "aeon_test_metric_1"), m("=", "instance", "host-1:9100")], [START, START + 3600_000])));
        assert.equal(ok.length, 1);
      } finally {
        await gw.close();
      }
    }
  });
});
