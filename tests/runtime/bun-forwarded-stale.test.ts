// Stale markers (float64 bits 0x7ff0000000000002) forwarded between receivers of a hashring over
// thanos.WriteableStore/RemoteWrite keep their bits when a receiver runs under Bun, which
// canonicalises NaNs whenever one becomes a JS number. Two `aeon receive` processes, RF=2 so every
// series lands on both: one under Node, one under Bun. Series written to the Node receiver reach
// the Bun one forwarded (Node sender, Bun decoder); series written to the Bun receiver reach the
// Node one forwarded (Bun sender). Each receiver's StoreAPI chunks are then checked bit for bit.
import assert from "node:assert/strict";
import { test } from "node:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../helpers/net.ts";
import { startAeon, type Proc } from "../helpers/processes.ts";
import { snappy, V1_HEADERS } from "../receive/fixtures/pb.ts";
import { PAYLOAD_NAN, PLAIN_NAN, samples, seriesBits, STALE, startBun, v1Request, type RawSample } from "./stale-fixtures.ts";

// Written to the Node receiver (forwarded to Bun) / to the Bun receiver (forwarded to Node).
const VIA_NODE = new Map<string, RawSample[]>([
  ["bfs_stale_n", samples(STALE)],
  ["bfs_nan_n", samples(PLAIN_NAN)],
  ["bfs_payload_n", samples(PAYLOAD_NAN)],
]);
const VIA_BUN = new Map<string, RawSample[]>([
  ["bfs_stale_b", samples(STALE)],
  ["bfs_payload_b", samples(PAYLOAD_NAN)],
]);

async function write(url: string, want: Map<string, RawSample[]>): Promise<void> {
  const body = v1Request([...want].map(([name, s]) => ({ labels: [["__name__", name]], samples: s })));
  const r = await fetch(url, { method: "POST", headers: V1_HEADERS, body: snappy(body) as BodyInit });
  assert.equal(r.status, 200, await r.text());
}

test("forwarded stale markers keep their bits between a Node and a Bun receiver", { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-bun-fwd-"));
  const procs: Proc[] = [];
  try {
    const ports = async () => ({ rw: await freePort(), grpc: await freePort(), http: await freePort() });
    const [pn, pb] = [await ports(), await ports()];
    const ring = join(dir, "hashrings.json");
    await writeFile(ring, JSON.stringify([{ hashring: "default", endpoints: [`127.0.0.1:${pn.grpc}`, `127.0.0.1:${pb.grpc}`] }]));
    const args = (p: typeof pn, data: string) => [
      `--remote-write.address=127.0.0.1:${p.rw}`,
      `--grpc-address=127.0.0.1:${p.grpc}`,
      `--http-address=127.0.0.1:${p.http}`,
      `--tsdb.path=${join(dir, data)}`,
      `--receive.hashrings-file=${ring}`,
      "--receive.replication-factor=2",
      `--receive.local-endpoint=127.0.0.1:${p.grpc}`,
    ];
    const [node, bun] = await Promise.all([
      startAeon(["receive", ...args(pn, "node")], `http://127.0.0.1:${pn.http}/-/ready`, 60_000),
      startBun(["receive", ...args(pb, "bun")], `http://127.0.0.1:${pb.http}/-/ready`),
    ]);
    procs.push(node, bun);

    await write(`http://127.0.0.1:${pn.rw}/api/v1/receive`, VIA_NODE);
    await write(`http://127.0.0.1:${pb.rw}/api/v1/receive`, VIA_BUN);

    // RF=2 with a quorum of 1: the write may be answered before the second replica is stored.
    const want = new Map([...VIA_NODE, ...VIA_BUN].sort(([a], [b]) => (a < b ? -1 : 1)));
    for (const [name, address] of [["node", `127.0.0.1:${pn.grpc}`], ["bun", `127.0.0.1:${pb.grpc}`]]) {
      await waitFor(`${name} receiver holds every series`, async () => (await seriesBits(address, "bfs_.*")).size === want.size, 20_000);
      assert.deepEqual(await seriesBits(address, "bfs_.*"), want, `${name} receiver`);
    }
    const metrics = await (await fetch(`http://127.0.0.1:${pb.http}/metrics`)).text();
    assert.match(metrics, /thanos_receive_forward_requests_total\{result="success"\} [1-9]/, "the Bun receiver forwarded its writes");
  } finally {
    for (const p of procs.reverse()) await p.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
