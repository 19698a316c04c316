// Starts an HTTP/1.1 server for a web-standard fetch handler (a Hono app's `fetch`).
// @hono/node-server runs on Node, and on Bun and Deno through their node:http support, so one
// code path serves all three; the handler itself never sees which runtime it is on.
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";

export type FetchHandler = (req: Request) => Response | Promise<Response>;

export interface RunningServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

export function splitHostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(":");
  if (i < 0) throw new Error(`address ${JSON.stringify(address)} has no port (want host:port)`);
  let host = address.slice(0, i);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  const port = Number(address.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad port in address ${JSON.stringify(address)}`);
  return { host: host || "0.0.0.0", port };
}

export function listenHttp(address: string, fetch: FetchHandler): Promise<RunningServer> {
  const { host, port } = splitHostPort(address);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: host, port }, (info: AddressInfo) => {
      resolve({
        host,
        port: info.port,
        close: () => new Promise<void>((res) => server.close(() => res())),
      });
    });
    server.on("error", reject);
  });
}
