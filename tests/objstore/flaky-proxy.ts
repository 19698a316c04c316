// A tiny HTTP proxy in front of the S3 test server that misbehaves on chosen requests (503,
// dropped connection, no answer) and forwards the rest untouched — Host header included, so
// SigV4 signatures made for the proxy's address still verify at the server behind it.
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Fault = "503" | "reset" | "hang" | "pass";

export interface FlakyProxy {
  endpoint: string;
  /** Faults applied to the next requests, in order; then requests pass. */
  faults: Fault[];
  /** Every request seen: "METHOD path?query". */
  seen: string[];
  close(): Promise<void>;
}

export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const [host, port] = target.split(":");
  const hung: ServerResponse[] = [];
  const state: FlakyProxy = { endpoint: "", faults: [], seen: [], close: async () => {} };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    state.seen.push(`${req.method} ${req.url}`);
    const fault = state.faults.shift() ?? "pass";
    if (fault === "503") {
      req.resume();
      res.writeHead(503, { "content-type": "application/xml" });
      res.end("<Error><Code>ServiceUnavailable</Code><Message>injected by test</Message></Error>");
      return;
    }
    if (fault === "reset") {
      req.socket.destroy();
      return;
    }
    if (fault === "hang") {
      req.resume();
      hung.push(res);
      return;
    }
    const up = request({ host, port: Number(port), method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  state.endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((r) => {
      for (const h of hung) h.destroy();
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}
