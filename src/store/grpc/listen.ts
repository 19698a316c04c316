// An HTTP/2 cleartext (h2c) gRPC server from connect routes. node:http2 is implemented by Node,
// Bun and Deno, so this one code path serves on all three.
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { splitHostPort } from "../../runtime/index.ts";
import { grpcHandlerOptions } from "./server.ts";
import { isGrpcRequest } from "./series-fast.ts";
import { HTTP2_WINDOW_BYTES } from "./compression.ts";

export interface GrpcServer {
  host: string;
  port: number;
  // Stops accepting, cancels in-flight calls (their AbortSignals fire) and closes sessions.
  close(): Promise<void>;
}

type NodeHandler = (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void;

// `fast` maps a gRPC path to a handler that bypasses connect (see series-fast.ts); everything
// else goes through connect's router.
export async function listenGrpc(
  address: string,
  routes: (router: ConnectRouter) => void,
  fast: Record<string, NodeHandler> = {},
): Promise<GrpcServer> {
  const { host, port } = splitHostPort(address);
  const shutdown = new AbortController();
  const handler = connectNodeAdapter({ ...grpcHandlerOptions, shutdownSignal: shutdown.signal, routes });
  const server = http2.createServer({ maxSessionMemory: 64, settings: { initialWindowSize: HTTP2_WINDOW_BYTES } }, (req, res) => {
    const f = fast[req.url];
    if (f && isGrpcRequest(req)) f(req, res);
    else handler(req, res);
  });
  const sessions = new Set<http2.Http2Session>();
  server.on("session", (s: http2.Http2Session) => {
    sessions.add(s);
    try {
      s.setLocalWindowSize?.(HTTP2_WINDOW_BYTES);
    } catch {
      // not implemented on this runtime: keep the default window
    }
    s.on("close", () => sessions.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    host,
    port: bound,
    close() {
      closing ??= new Promise<void>((resolve) => {
        shutdown.abort();
        server.close(() => resolve());
        for (const s of sessions) s.close();
        // Sessions with streams stuck open are destroyed after a grace period.
        setTimeout(() => {
          for (const s of sessions) s.destroy();
        }, 2000).unref?.();
      });
      return closing;
    },
  };
}
