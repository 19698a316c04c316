import { createStoreClient, serveStoreGrpc } from "./src/store/grpc/index.ts";
import { MemoryStore } from "./src/store/memory/index.ts";
import { ProxyStore } from "./src/store/proxy/index.ts";
import { series, seriesReq, xorChunk, labelsOf } from "./tests/store/fixtures.ts";
const sent = new WeakMap<AbortSignal, number>();
const gated = new MemoryStore({
  series: ["x1", "x2", "x3"].map((job) => series({ __name__: "up", job }, [xorChunk(0, 3)])),
  beforeSend: async (signal) => {
    if (!signal) return;
    const n = sent.get(signal) ?? 0; sent.set(signal, n + 1);
    console.log("gated send", n);
    if (n < 2) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, 30_000);
      signal.addEventListener("abort", () => (clearTimeout(t), console.log(performance.now().toFixed(0), "GATED ABORTED"), reject(signal.reason)), { once: true });
    });
  },
});
const srv = await serveStoreGrpc({ address: "127.0.0.1:0", store: gated });
const gc = createStoreClient({ address: `127.0.0.1:${srv.port}`, name: "gated" });
const inner = new ProxyStore({ endpoints: () => [{ client: gc, info: null }] });
const proxy = { ...inner, info: inner.info.bind(inner), labelNames: inner.labelNames.bind(inner), labelValues: inner.labelValues.bind(inner),
  series: (r: any, o: any) => { o?.signal?.addEventListener("abort", () => console.log("PROXY SIGNAL ABORTED")); return inner.series(r, o); } };
const psrv = await serveStoreGrpc({ address: "127.0.0.1:0", store: proxy as any });
const c = createStoreClient({ address: `127.0.0.1:${psrv.port}` });
for await (const r of c.series(seriesReq())) { console.log("client got", labelsOf(r)); break; }
console.log(performance.now().toFixed(0), "client broke");
await new Promise((r) => setTimeout(r, 2000));
await c.close(); await gc.close(); await psrv.close(); await srv.close();
