import { serveStoreGrpc } from "./src/store/grpc/index.ts";
import { MemoryStore } from "./src/store/memory/index.ts";
import { series, xorChunk } from "./tests/store/fixtures.ts";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
const chunk = xorChunk(0, 120);
const store = new MemoryStore({ series: Array.from({ length: 2100 }, (_, i) => series({ __name__: "m", instance: `h${i}` }, [chunk])) });
const srv = await serveStoreGrpc({ address: "127.0.0.1:0", store });
// SeriesRequest{max_time=10^9}
writeFileSync("/tmp/req.bin", Buffer.from([0, 0, 0, 0, 6, 0x10, 0x80, 0x94, 0xeb, 0xdc, 0x03]));
for (let k = 0; k < 3; k++) {
  const t = performance.now();
  await new Promise<void>((res, rej) => {
    import("node:child_process").then(({ execFile }) => execFile("curl", ["-sS", "--http2-prior-knowledge", "-H", "content-type: application/grpc", "-H", "te: trailers", "--data-binary", "@/tmp/req.bin", "-o", "/tmp/out.bin", `http://127.0.0.1:${srv.port}/thanos.Store/Series`], (e) => (e ? rej(e) : res())));
  });
  console.log(`curl ${(performance.now() - t).toFixed(1)}ms`);
}
console.log(execFileSync("ls", ["-la", "/tmp/out.bin"]).toString());
await srv.close();
