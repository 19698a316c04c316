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
import { create } from "@bufbuild/protobuf";
import { SeriesRequestSchema } from "../../src/gen/thanos/store/rpc_pb.ts";
import { Matcher } from "../../src/labels/index.ts";
import { createStoreClient } from "../../src/store/grpc/index.ts";
import { matchersToProto } from "../../src/store/index.ts";
import { xorDecode } from "../../src/kernels/xor-ref.ts";
import { freePort, httpOk, waitFor } from "../helpers/net.ts";
import { startAeon, startProcess, type Proc } from "../helpers/processes.ts";
import { concat, int64Field, lenField, snappy, strField, tag, V1_HEADERS } from "../receive/fixtures/pb.ts";
import { root, runtimes } from "./run.ts";

type Bits = [hi: number, lo: number];
type RawSample = [t: number, bits: Bits];
const STALE: Bits = [0x7ff00000, 0x00000002];
const PLAIN_NAN: Bits = [0x7ff80000, 0x00000000];
const PAYLOAD_NAN: Bits = [0x7ff12345, 0x6789abcd]; // any payload must survive, not just the marker
const FORTY_TWO: Bits = [0x40450000, 0x00000000];

// Remote write 1.0 with each double written from its bits (never through a JS number).
function v1Request(series: Array<{ name: string; samples: RawSample[] }>): Uint8Array {
  const double = ([hi, lo]: Bits) => {
    const b = new Uint8Array(8);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, lo, true);
    dv.setUint32(4, hi, true);
    return concat(tag(1, 1), b);
  };
  return concat(
    ...series.map((s) =>
      lenField(1, concat(lenField(1, concat(strField(1, "__name__"), strField(2, s.name))), ...s.samples.map(([t, bits]) => lenField(2, concat(double(bits), int64Field(2, t)))))),
    ),
  );
}

const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
const samples = (last: Bits): RawSample[] => [
  [T0, FORTY_TWO],
  [T0 + 15_000, FORTY_TWO],
  [T0 + 30_000, last],
];
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
  const body = v1Request([...want].map(([name, s]) => ({ name, samples: s })));
  const r = await fetch(url, { method: "POST", headers: V1_HEADERS, body: snappy(body) as BodyInit });
  assert.equal(r.status, 200, await r.text());
}

// Every series' samples from StoreAPI Series, values as raw bits read through a Uint32Array view.
async function seriesBits(address: string): Promise<Map<string, RawSample[]>> {
  const c = createStoreClient({ address });
  try {
    const req = create(SeriesRequestSchema, { minTime: 0n, maxTime: BigInt(Number.MAX_SAFE_INTEGER), matchers: matchersToProto([new Matcher("=~", "__name__", "bfs_.*")]) });
    const out = new Map<string, RawSample[]>();
    for await (const r of c.series(req)) {
      if (r.result.case !== "series") continue;
      const s = r.result.value;
      const got: RawSample[] = [];
      for (const ch of s.chunks) {
        const d = xorDecode(ch.raw!.data);
        const w = new Uint32Array(d.vs.buffer, d.vs.byteOffset, d.vs.length * 2);
        for (let i = 0; i < d.ts.length; i++) got.push([d.ts[i], [w[2 * i + 1], w[2 * i]]]); // little-endian words
      }
      out.set(s.labels.find((l) => l.name === "__name__")!.value, got);
    }
    return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
  } finally {
    await c.close();
  }
}

async function startBunReceiver(args: string[], readyUrl: string): Promise<Proc> {
  const [cmd, argv] = runtimes.bun(join(root, "src", "cli.ts"), ["receive", ...args]);
  const p = startProcess(cmd, argv, { cwd: root });
  try {
    await waitFor("bun receive", async () => {
      if (p.child.exitCode !== null) throw new Error(`exited with ${p.child.exitCode}`);
      return httpOk(readyUrl);
    }, 60_000);
  } catch (e) {
    await p.stop("SIGKILL");
    throw new Error(`${(e as Error).message}\n--- output ---\n${p.output()}`);
  }
  return p;
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
      startBunReceiver(args(pb, "bun"), `http://127.0.0.1:${pb.http}/-/ready`),
    ]);
    procs.push(node, bun);

    await write(`http://127.0.0.1:${pn.rw}/api/v1/receive`, VIA_NODE);
    await write(`http://127.0.0.1:${pb.rw}/api/v1/receive`, VIA_BUN);

    // RF=2 with a quorum of 1: the write may be answered before the second replica is stored.
    const want = new Map([...VIA_NODE, ...VIA_BUN].sort(([a], [b]) => (a < b ? -1 : 1)));
    for (const [name, address] of [["node", `127.0.0.1:${pn.grpc}`], ["bun", `127.0.0.1:${pb.grpc}`]]) {
      await waitFor(`${name} receiver holds every series`, async () => (await seriesBits(address)).size === want.size, 20_000);
      assert.deepEqual(await seriesBits(address), want, `${name} receiver`);
    }
    const metrics = await (await fetch(`http://127.0.0.1:${pb.http}/metrics`)).text();
    assert.match(metrics, /thanos_receive_forward_requests_total\{result="success"\} [1-9]/, "the Bun receiver forwarded its writes");
  } finally {
    for (const p of procs.reverse()) await p.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
