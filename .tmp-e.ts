import { serveStoreGrpc } from "./src/store/grpc/index.ts";
import { MemoryStore } from "./src/store/memory/index.ts";
import { series, xorChunk } from "./tests/store/fixtures.ts";
import * as http2 from "node:http2";
const chunk = xorChunk(0, 120);
const store = new MemoryStore({ series: Array.from({ length: 2100 }, (_, i) => series({ __name__: "m", instance: `h${i}` }, [chunk])) });
const srv = await serveStoreGrpc({ address: "127.0.0.1:0", store });
const sess = http2.connect(`http://127.0.0.1:${srv.port}`);
for (let k = 0; k < 4; k++) {
  const t = performance.now();
  let first = 0, bytes = 0, chunks = 0;
  await new Promise<void>((res) => {
    const s = sess.request({ ":method": "POST", ":path": "/thanos.Store/Series", "content-type": "application/grpc", te: "trailers" });
    s.on("response", () => {});
    s.on("data", (d: Buffer) => { if (!first) first = performance.now() - t; bytes += d.length; chunks++; });
    s.on("end", () => res());
    s.end(Buffer.from([0, 0, 0, 0, 6, 0x10, 0x80, 0x94, 0xeb, 0xdc, 0x03]));
  });
  console.log(`raw h2: total ${(performance.now() - t).toFixed(1)}ms first-byte ${first.toFixed(1)}ms ${bytes}B in ${chunks} data events`);
}
sess.close(); await srv.close();
