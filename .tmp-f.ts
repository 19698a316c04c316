import { listenGrpc, registerStoreServices, serveStoreGrpc } from "./src/store/grpc/index.ts";
import { MemoryStore } from "./src/store/memory/index.ts";
import { series, xorChunk } from "./tests/store/fixtures.ts";
import * as http2 from "node:http2";
const chunk = xorChunk(0, 120);
const store = new MemoryStore({ series: Array.from({ length: 2100 }, (_, i) => series({ __name__: "m", instance: `h${i}` }, [chunk])) });
const fast = await serveStoreGrpc({ address: "127.0.0.1:0", store });
const slow = await listenGrpc("127.0.0.1:0", (r) => registerStoreServices(r, { store }));
async function once(port: number, sess: http2.ClientHttp2Session) {
  const t = performance.now();
  await new Promise<void>((res) => {
    const s = sess.request({ ":method": "POST", ":path": "/thanos.Store/Series", "content-type": "application/grpc", te: "trailers" });
    s.on("data", () => {});
    s.on("end", () => res());
    s.end(Buffer.from([0, 0, 0, 0, 6, 0x10, 0x80, 0x94, 0xeb, 0xdc, 0x03]));
  });
  return performance.now() - t;
}
const sf = http2.connect(`http://127.0.0.1:${fast.port}`), ss = http2.connect(`http://127.0.0.1:${slow.port}`);
const tf: number[] = [], ts: number[] = [];
for (let k = 0; k < 8; k++) { tf.push(await once(fast.port, sf)); ts.push(await once(slow.port, ss)); }
const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1].toFixed(1);
console.log(`median fast ${med(tf)}ms connect ${med(ts)}ms`);
sf.close(); ss.close(); await fast.close(); await slow.close();
