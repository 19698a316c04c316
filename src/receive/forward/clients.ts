// One gRPC client per peer receiver, created on first use and kept (HTTP/2 connections are
// reused across requests); dropped when the peer leaves the hashring.
import { createStoreClient, type GrpcStoreClient } from "../../store/grpc/index.ts";

export class ForwardClients {
  private readonly clients = new Map<string, GrpcStoreClient>();
  constructor(private readonly compression: "none" | "snappy") {}

  get(address: string): GrpcStoreClient {
    let c = this.clients.get(address);
    if (!c) this.clients.set(address, (c = createStoreClient({ address, compression: this.compression })));
    return c;
  }

  // Closes clients of endpoints no longer in `keep`.
  retain(keep: Iterable<string>): void {
    const k = new Set(keep);
    for (const [a, c] of this.clients) {
      if (k.has(a)) continue;
      this.clients.delete(a);
      void c.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(all.map((c) => c.close().catch(() => {})));
  }
}
