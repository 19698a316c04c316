import { createStoreClient, serveStoreGrpc } from "./src/store/grpc/index.ts";
import { MemoryStore } from "./src/store/memory/index.ts";
import { series, seriesReq, xorChunk } from "./tests/store/fixtures.ts";
import { fromBinary } from "@bufbuild/protobuf";
import { SeriesResponseSchema } from "./src/gen/thanos/store/rpc_pb.ts";
import * as http2 from "node:http2";
const chunk = xorChunk(0, 120);
const store = new MemoryStore({ series: Array.from({ length: 2100 }, (_, i) => series({ __name__: "m", instance: `h${i}` }, [chunk])) });
const srv = await serveStoreGrpc({ address: "127.0.0.1:0", store });
const c = createStoreClient({ address: `127.0.0.1:${srv.port}` });
const sess = http2.connect(`http://127.0.0.1:${srv.port}`);
async function raw(decode: boolean) {
  const t = performance.now();
  await new Promise<void>((res) => {
    const s = sess.request({ ":method": "POST", ":path": "/thanos.Store/Series", "content-type": "application/grpc", te: "trailers" });
    let buf = Buffer.alloc(0);
    s.on("data", (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      while (buf.length >= 5) { const len = buf.readUInt32BE(1); if (buf.length < 5 + len) break; if (decode) fromBinary(SeriesResponseSchema, buf.subarray(5, 5 + len)); buf = buf.subarray(5 + len); }
    });
    s.on("end", () => res());
    s.end(Buffer.from([0, 0, 0, 0, 6, 0x10, 0x80, 0x94, 0xeb, 0xdc, 0x03]));
  });
  return performance.now() - t;
}
async function ours() { const t = performance.now(); for await (const _ of c.series(seriesReq())) {} return performance.now() - t; }
const a: number[] = [], b: number[] = [], d: number[] = [];
for (let k = 0; k < 8; k++) { a.push(await raw(false)); b.push(await raw(true)); d.push(await ours()); }
const med = (x: number[]) => x.sort((p, q) => p - q)[x.length >> 1].toFixed(1);
console.log(`raw ${med(a)}ms raw+fromBinary ${med(b)}ms connect client ${med(d)}ms`);
sess.close(); await c.close(); await srv.close();
