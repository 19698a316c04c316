import { createStoreClient, serveStoreGrpc } from "./src/store/grpc/index.ts";
import { MemoryStore } from "./src/store/memory/index.ts";
import { series, seriesReq, xorChunk } from "./tests/store/fixtures.ts";
const chunk = xorChunk(0, 120);
const store = new MemoryStore({ series: Array.from({ length: 2100 }, (_, i) => series({ __name__: "m", instance: `h${i}` }, [chunk])) });
const srv = await serveStoreGrpc({ address: "127.0.0.1:0", store });
const c = createStoreClient({ address: `127.0.0.1:${srv.port}` });
for (let k = 0; k < 3; k++) {
  let t = performance.now(); let n = 0;
  for await (const r of store.series(seriesReq())) n++;
  const a = performance.now() - t;
  t = performance.now(); n = 0;
  for await (const r of c.series(seriesReq())) n++;
  const b = performance.now() - t;
  t = performance.now();
  for await (const r of c.series(seriesReq({ responseBatchSize: 100n }))) n++;
  console.log(`inproc ${a.toFixed(1)}ms grpc ${b.toFixed(1)}ms batched ${(performance.now() - t).toFixed(1)}ms n=${n}`);
}
await c.close(); await srv.close();
