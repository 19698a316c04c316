// Routing and replication in process: receivers wired with Router + gRPC WriteableStore, a ring
// of real gRPC endpoints (some of them dead ports), checking placement, quorum and status codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { Receiver } from "../../src/receive/index.ts";
import { MultiHashring, parseHashringsConfig } from "../../src/receive/hashring/index.ts";
import { ForwardClients, Router, receiverWriteable, toWriteRequest } from "../../src/receive/forward/index.ts";
import { createStoreClient, serveStoreGrpc, type GrpcServer } from "../../src/store/grpc/index.ts";
import { MemoryStore } from "../../src/store/memory/index.ts";
import { StoreError } from "../../src/store/errors.ts";
import { WriteRequestSchema } from "../../src/gen/thanos/store/rpc_pb.ts";
import { TimeSeriesSchema, SampleSchema } from "../../src/gen/thanos/store/prompb_copy_pb.ts";
import { LabelSchema } from "../../src/gen/thanos/store/types_pb.ts";
import { fromRecord, newMatcher } from "../../src/labels/index.ts";
import { freePort } from "../helpers/net.ts";
import { snappy, v1Request, V1_HEADERS, type TestSeries } from "./fixtures/pb.ts";

interface Node {
  rx: Receiver;
  grpc: GrpcServer;
  address: string;
  clients: ForwardClients;
}

async function startNodes(dir: string, n: number, dead: number, rf: number): Promise<{ nodes: Node[]; all: string[] }> {
  const live: Array<{ rx: Receiver; grpc: GrpcServer }> = [];
  for (let i = 0; i < n; i++) {
    const rx = new Receiver({ tsdbPath: join(dir, `n${i}`), writeBlock: false });
    await rx.start();
    const grpc = await serveStoreGrpc({ address: "127.0.0.1:0", store: new MemoryStore({ series: [] }), writeable: receiverWriteable(rx) });
    live.push({ rx, grpc });
  }
  const deadAddrs: string[] = [];
  for (let i = 0; i < dead; i++) deadAddrs.push(`127.0.0.1:${await freePort()}`);
  const all = [...live.map((l) => `127.0.0.1:${l.grpc.port}`), ...deadAddrs];
  const ring = new MultiHashring(parseHashringsConfig(JSON.stringify([{ endpoints: all }])), "hashmod", rf);
  const nodes = live.map((l) => {
    const address = `127.0.0.1:${l.grpc.port}`;
    const clients = new ForwardClients("snappy");
    l.rx.router = new Router({ rx: l.rx, hashring: () => ring, localEndpoint: address, replicationFactor: rf, clients, forwardTimeoutMs: 3000 });
    return { ...l, address, clients };
  });
  return { nodes, all };
}

async function stopNodes(nodes: Node[]): Promise<void> {
  for (const n of nodes) {
    await n.clients.close();
    await n.grpc.close();
    await n.rx.close();
  }
}

const series = (count: number, t: number): TestSeries[] =>
  Array.from({ length: count }, (_, i) => ({ labels: [["__name__", "fw"], ["i", String(i)]] as Array<[string, string]>, samples: [[t, i] as [number, number]] }));

function post(rx: Receiver, s: TestSeries[], tenant?: string, replica?: number): Promise<Response> {
  const headers: Record<string, string> = { ...V1_HEADERS };
  if (tenant) headers["THANOS-TENANT"] = tenant;
  if (replica !== undefined) headers["THANOS-REPLICA"] = String(replica);
  return Promise.resolve(rx.fetch(new Request("http://x/api/v1/receive", { method: "POST", headers, body: snappy(v1Request(s)) as BodyInit })));
}

async function count(rx: Receiver, tenant = "default-tenant"): Promise<number> {
  const db = rx.tenants.opened.get(tenant);
  return db ? db.head.selectSamples([newMatcher("=", "__name__", "fw")], -Infinity, Infinity).length : 0;
}

test("RF=3 over 3 live nodes: every series on every node; replicas are not forwarded again", async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-fw-"));
  const { nodes } = await startNodes(dir, 3, 0, 3);
  try {
    const r = await post(nodes[0].rx, series(30, 1000), "team");
    assert.equal(r.status, 200, await r.text());
    for (const n of nodes) assert.equal(await count(n.rx, "team"), 30);
  } finally {
    await stopNodes(nodes);
    await rm(dir, { recursive: true, force: true });
  }
});

test("RF=1 over 2 nodes: series are split between them, none lost or doubled", async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-fw-"));
  const { nodes } = await startNodes(dir, 2, 0, 1);
  try {
    const r = await post(nodes[1].rx, series(100, 1000));
    assert.equal(r.status, 200, await r.text());
    const [a, b] = [await count(nodes[0].rx), await count(nodes[1].rx)];
    assert.equal(a + b, 100);
    assert.ok(a > 20 && b > 20, `split ${a}/${b}`);
    // With THANOS-REPLICA > 0 the write was already routed: all of it stays on the node.
    const t = await post(nodes[1].rx, series(100, 2000), "other", 1);
    assert.equal(t.status, 200, await t.text());
    assert.equal(await count(nodes[1].rx, "other"), 100);
    assert.equal(await count(nodes[0].rx, "other"), 0);
    const bad = await post(nodes[1].rx, series(1, 3000), "other", -1);
    assert.equal(bad.status, 400);
  } finally {
    await stopNodes(nodes);
    await rm(dir, { recursive: true, force: true });
  }
});

test("quorum: RF=3 with one dead node succeeds, with two dead nodes answers 503", async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-fw-"));
  const one = await startNodes(dir, 2, 1, 3);
  try {
    const r = await post(one.nodes[0].rx, series(20, 1000));
    assert.equal(r.status, 200, await r.text());
    assert.equal(await count(one.nodes[1].rx), 20);
  } finally {
    await stopNodes(one.nodes);
  }
  const two = await startNodes(join(dir, "b"), 1, 2, 3);
  try {
    const r = await post(two.nodes[0].rx, series(20, 1000));
    assert.equal(r.status, 503);
    assert.match(await r.text(), /did not reach the write quorum of 2/);
  } finally {
    await stopNodes(two.nodes);
    await rm(dir, { recursive: true, force: true });
  }
});

test("WriteableStore over gRPC: replica > 0 stores locally; bad labels are InvalidArgument; conflicts AlreadyExists", async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-fw-"));
  const { nodes, all } = await startNodes(dir, 1, 1, 2);
  const c = createStoreClient({ address: nodes[0].address, compression: "snappy" });
  try {
    // Forwarded replica: stored here although the ring would send a replica to the dead node.
    const ts = new Float64Array([5000]);
    const vs = new Float64Array([1.5]);
    const s = [{ labels: fromRecord({ __name__: "fw", i: "x" }), start: 0, end: 1 }];
    await c.remoteWrite(toWriteRequest("default-tenant", 1, { series: s, ts, vs }, s));
    assert.equal(await count(nodes[0].rx), 1);
    assert.ok(all.length === 2);

    const bad = create(WriteRequestSchema, {
      tenant: "default-tenant",
      replica: 1n,
      timeseries: [create(TimeSeriesSchema, { labels: [create(LabelSchema, { name: "b", value: "1" }), create(LabelSchema, { name: "a", value: "1" })], samples: [create(SampleSchema, { value: 1, timestamp: 1n })] })],
    });
    await assert.rejects(c.remoteWrite(bad), (e: unknown) => e instanceof StoreError && e.code === "InvalidArgument" && /out of order labels/.test(e.message));

    vs[0] = 2.5; // same timestamp, other value
    await assert.rejects(c.remoteWrite(toWriteRequest("default-tenant", 1, { series: s, ts, vs }, s)), (e: unknown) => e instanceof StoreError && e.code === "AlreadyExists");
  } finally {
    await c.close();
    await stopNodes(nodes);
    await rm(dir, { recursive: true, force: true });
  }
});
