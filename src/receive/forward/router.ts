// Hashring mode: every series of a request goes to `replicationFactor` endpoints of the tenant's
// ring (replica n = ring.getN(…, n)). Replicas owned by this node are appended locally; the rest
// are sent concurrently, grouped per (endpoint, replica), over thanos.WriteableStore/RemoteWrite
// with `replica` = n+1 so the receiving node stores them without routing again. The request
// succeeds when each series reached the write quorum (floor(RF/2)+1; 1 for RF=2); it answers as
// soon as that is decided, the slower replicas finishing in the background.
import type { WriteBatch, WriteSeries } from "../../tsdb/head/index.ts";
import type { Receiver, WriteRouter } from "../receiver.ts";
import { writeLocal, type WriteOutcome } from "../local-write.ts";
import { seriesHash, type MultiHashring } from "../hashring/index.ts";
import { toWriteRequest } from "./convert.ts";
import { quorumFailureStatus, statusForError } from "./status.ts";
import type { ForwardClients } from "./clients.ts";

export interface RouterOptions {
  rx: Receiver;
  hashring: () => MultiHashring | null;
  localEndpoint: string; // --receive.local-endpoint
  replicationFactor: number;
  clients: ForwardClients;
  forwardTimeoutMs?: number; // default 5s, as Thanos
}

export function writeQuorum(rf: number): number {
  return rf === 2 ? 1 : Math.floor(rf / 2) + 1;
}

interface Group {
  endpoint: string;
  replica: number;
  series: number[]; // indexes into the batch
}

export class Router implements WriteRouter {
  constructor(private readonly o: RouterOptions) {}

  async write(tenant: string, b: WriteBatch, replica: number): Promise<WriteOutcome> {
    const rx = this.o.rx;
    if (replica > 0) return writeLocal(rx, tenant, b); // already routed by another receiver
    const ring = this.o.hashring();
    if (!ring) return { status: 503, message: "hashring not loaded yet", written: 0 };
    const rf = this.o.replicationFactor;
    const quorum = writeQuorum(rf);

    const groups = new Map<string, Group>();
    try {
      for (let i = 0; i < b.series.length; i++) {
        const h = seriesHash(tenant, b.series[i].labels);
        for (let n = 0; n < rf; n++) {
          const endpoint = ring.getNByHash(tenant, h, n);
          const key = `${endpoint}\u0000${n}`;
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { endpoint, replica: n, series: [] }));
          g.series.push(i);
        }
      }
    } catch (e) {
      return { status: 500, message: `hashring: ${(e as Error).message}`, written: 0 };
    }

    const ok = new Uint16Array(b.series.length);
    const failed = new Uint16Array(b.series.length);
    const failures: Array<{ status: number; message: string }> = [];
    let written = 0;
    const decided = () => {
      for (let i = 0; i < ok.length; i++) if (ok[i] < quorum && failed[i] <= rf - quorum) return false;
      return true;
    };

    return new Promise<WriteOutcome>((resolve) => {
      let pending = groups.size;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        let bad = 0;
        for (let i = 0; i < ok.length; i++) if (ok[i] < quorum) bad++;
        rx.metrics?.replication(true, ok.length - bad);
        rx.metrics?.replication(false, bad);
        if (bad === 0) return resolve({ status: 200, message: "", written });
        const status = quorumFailureStatus(failures.map((f) => f.status));
        const first = failures.find((f) => f.status === status) ?? failures[0];
        resolve({ status, message: `${bad} of ${ok.length} series did not reach the write quorum of ${quorum}: ${first?.message ?? "unknown error"}`, written });
      };
      for (const g of groups.values()) {
        this.send(tenant, b, g).then((res) => {
          for (const i of g.series) {
            if (res.status === 200) {
              ok[i]++;
              if (ok[i] === quorum) written += b.series[i].end - b.series[i].start;
            } else failed[i]++;
          }
          if (res.status !== 200) failures.push(res);
          pending--;
          if (pending === 0 || decided()) finish();
        });
      }
      if (pending === 0) finish();
    });
  }

  // Never rejects: failures come back as outcomes.
  private async send(tenant: string, b: WriteBatch, g: Group): Promise<WriteOutcome> {
    const rx = this.o.rx;
    const series: WriteSeries[] = g.series.map((i) => b.series[i]);
    if (g.endpoint === this.o.localEndpoint) {
      try {
        return await writeLocal(rx, tenant, { series, ts: b.ts, vs: b.vs });
      } catch (e) {
        return { status: 500, message: `local write: ${(e as Error).message}`, written: 0 };
      }
    }
    try {
      const client = this.o.clients.get(g.endpoint);
      await client.remoteWrite(toWriteRequest(tenant, g.replica + 1, b, series), { timeoutMs: this.o.forwardTimeoutMs ?? 5000 });
      rx.metrics?.forward(true);
      return { status: 200, message: "", written: 0 };
    } catch (e) {
      rx.metrics?.forward(false);
      const status = statusForError(e);
      rx.opts.log?.("warn", "forwarding to receiver failed", { endpoint: g.endpoint, replica: g.replica, series: series.length, err: String((e as Error).message ?? e) });
      return { status, message: `forwarding to ${g.endpoint}: ${(e as Error).message ?? String(e)}`, written: 0 };
    }
  }
}
