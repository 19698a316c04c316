// Run under node, bun or deno by tests/store/runtimes.test.ts: calls a StoreAPI server with our
// client (plain and snappy) and prints one JSON line summarising what came back.
import { runtimeName } from "../../../src/runtime/index.ts";
import { createStoreClient } from "../../../src/store/grpc/index.ts";
import { collect, eq, labelsOf, seriesReq } from "../fixtures.ts";
import { xorDecode } from "../../../src/kernels/xor-ref.ts";

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
console.log(JSON.stringify(result));
