// StoreAPI wire throughput: streaming Series over gRPC (h2c, identity and snappy) against the
// same store iterated in-process (baseline), the proxy over 3 gRPC stores, and the codecs.
// Run: npm run bench -- storeapi
import { bench, do_not_optimize, group, summary } from "mitata";
import { xxhash64 } from "../src/codec/xxhash64.ts";
import { snappyBlockEncode, snappyFramedDecode, snappyFramedEncode } from "../src/codec/snappy/index.ts";
import { createStoreClient, listenGrpc, registerStoreServices, serveStoreGrpc } from "../src/store/grpc/index.ts";
import { MemoryStore } from "../src/store/memory/index.ts";
import { ProxyStore } from "../src/store/proxy/index.ts";
import type { StoreAPI } from "../src/store/types.ts";
import { series, seriesReq, xorChunk } from "../tests/store/fixtures.ts";

const SERIES = 2100; // divisible by the 3 proxy shards
const SAMPLES_PER_SERIES = 120;
const chunk = xorChunk(0, SAMPLES_PER_SERIES, 15000, (i) => Math.sin(i) * 100);
const makeStore = (shard: number, of: number) =>
  new MemoryStore({
    series: Array.from({ length: SERIES / of }, (_, i) => series({ __name__: "bench_metric", instance: `host-${i * of + shard}`, job: "bench" }, [chunk])),
  });
const whole = makeStore(0, 1);
const shards = [0, 1, 2].map((i) => makeStore(i, 3));

const server = await serveStoreGrpc({ address: "127.0.0.1:0", store: whole });
// The same store behind connect's generic handler and read with connect's client: the path
// without our Series fast paths (series-fast.ts / series-client.ts).
const connectOnly = await listenGrpc("127.0.0.1:0", (r) => registerStoreServices(r, { store: whole }));
const viaConnect = createStoreClient({ address: `127.0.0.1:${connectOnly.port}`, seriesTransport: "connect" });
const shardServers = await Promise.all(shards.map((store) => serveStoreGrpc({ address: "127.0.0.1:0", store })));
const plain = createStoreClient({ address: `127.0.0.1:${server.port}` });
const snappy = createStoreClient({ address: `127.0.0.1:${server.port}`, compression: "snappy" });
const shardClients = shardServers.map((s) => createStoreClient({ address: `127.0.0.1:${s.port}` }));
const proxy = new ProxyStore({ endpoints: () => shardClients.map((client) => ({ client, info: null })) });

async function drain(s: StoreAPI): Promise<number> {
  let n = 0;
  for await (const r of s.series(seriesReq())) if (r.result.case === "series") n++;
  if (n !== SERIES) throw new Error(`got ${n} series, want ${SERIES}`);
  return n;
}

const payload = new Uint8Array(1 << 20);
for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) % 97 < 60 ? 0 : i & 0xff;
const framed = snappyFramedEncode(payload);

summary(() => {
  group("storeapi Series: 2100 series x 120 samples", () => {
    bench("Series in-process MemoryStore", () => drain(whole)).baseline(true);
    bench("Series over gRPC, connect server+client", () => drain(viaConnect));
    bench("Series over gRPC (identity)", () => drain(plain));
    bench("Series over gRPC (snappy)", () => drain(snappy));
    bench("Series via proxy of 3 gRPC stores", () => drain(proxy));
  });
});
summary(() => {
  group("codec: 1 MiB", () => {
    bench("snappy block encode", () => do_not_optimize(snappyBlockEncode(payload))).baseline(true);
    bench("snappy framed encode", () => do_not_optimize(snappyFramedEncode(payload)));
    bench("snappy framed decode (+CRC-32C)", () => do_not_optimize(snappyFramedDecode(framed)));
    bench("xxhash64", () => do_not_optimize(xxhash64(payload)));
  });
});

export const itemsPerIteration: Record<string, number> = {
  "Series in-process MemoryStore": SERIES,
  "Series over gRPC, connect server+client": SERIES,
  "Series over gRPC (identity)": SERIES,
  "Series over gRPC (snappy)": SERIES,
  "Series via proxy of 3 gRPC stores": SERIES,
  "snappy block encode": payload.length,
  "snappy framed encode": payload.length,
  "snappy framed decode (+CRC-32C)": payload.length,
  xxhash64: payload.length,
};

export async function teardown(): Promise<void> {
  for (const c of [plain, snappy, viaConnect, ...shardClients]) await c.close();
  for (const s of [server, connectOnly, ...shardServers]) await s.close();
}
