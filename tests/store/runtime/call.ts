// Run under node, bun or deno by tests/store/runtimes.test.ts: calls a StoreAPI server with our
// client (plain and snappy) and prints one JSON line summarising what came back.
import { runtimeName } from "../../../src/runtime/index.ts";
import { createStoreClient } from "../../../src/store/grpc/index.ts";
import { collect, eq, labelsOf, seriesReq } from "../fixtures.ts";
import { xorDecode } from "../../../src/kernels/xor-ref.ts";
import { ProxyStore } from "../../../src/store/proxy/index.ts";

const port = process.argv[2];
const result: Record<string, unknown> = { runtime: runtimeName };
for (const compression of ["none", "snappy"] as const) {
  const c = createStoreClient({ address: `127.0.0.1:${port}`, compression });
  try {
    const info = await c.info();
    const got = await collect(c.series(seriesReq({ matchers: [eq("__name__", "up")] })));
    const first = got[0].result.value as { chunks: { raw?: { data: Uint8Array } }[] };
    result[compression] = {
      component: info.ComponentType,
      series: got.map(labelsOf),
      samples: xorDecode(first.chunks[0].raw!.data).ts.length,
    };
  } finally {
    await c.close();
  }
}
// The proxy on this runtime over two connections to the same server (two "replicas" with
// identical chunks): one merged stream, duplicates dropped.
{
  const a = createStoreClient({ address: `127.0.0.1:${port}`, name: "a" });
  const b = createStoreClient({ address: `127.0.0.1:${port}`, name: "b", compression: "snappy" });
  try {
    const proxy = new ProxyStore({ endpoints: () => [a, b].map((client) => ({ client, info: null })) });
    const got = await collect(proxy.series(seriesReq({ matchers: [eq("__name__", "up")] })));
    const first = got[0].result.value as { chunks: unknown[] };
    result.proxy = { series: got.map(labelsOf), firstChunks: first.chunks.length };
  } finally {
    await a.close();
    await b.close();
  }
}
console.log(JSON.stringify(result));
