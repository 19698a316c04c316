// Started by tests/store/runtimes.test.ts under node, bun or deno: serves the sample store over
// gRPC on a free port, prints "LISTENING <port> <runtime>", exits on SIGTERM or stdin EOF.
import { runtimeName } from "../../../src/runtime/index.ts";
import { serveStoreGrpc } from "../../../src/store/grpc/index.ts";
import { sampleStore } from "../fixtures.ts";

const server = await serveStoreGrpc({ address: "127.0.0.1:0", store: sampleStore({ componentType: `store-${runtimeName}` }) });
console.log(`LISTENING ${server.port} ${runtimeName}`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
