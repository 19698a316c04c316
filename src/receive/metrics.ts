// Thanos-style counters of the write path, registered on the component's registry.
import type { Counter, Gauge, Registry } from "../observability/index.ts";

export class ReceiveMetrics {
  private readonly requests: Counter;
  private readonly samples: Counter;
  private readonly forwards: Counter;
  private readonly replications: Counter;
  readonly reloadOk: Gauge;
  readonly reloads: Counter;
  readonly hashringNodes: Gauge;

  constructor(reg: Registry) {
    this.requests = reg.counter({ name: "thanos_receive_requests_total", help: "Remote-write HTTP requests answered, by status code.", labelNames: ["code"] });
    this.samples = reg.counter({ name: "thanos_receive_write_samples_total", help: "Samples appended to the local TSDBs, by tenant.", labelNames: ["tenant"] });
    this.forwards = reg.counter({ name: "thanos_receive_forward_requests_total", help: "Requests forwarded to other receivers over thanos.WriteableStore/RemoteWrite, by result.", labelNames: ["result"] });
    this.replications = reg.counter({ name: "thanos_receive_replications_total", help: "Series replication outcomes against the write quorum, by result.", labelNames: ["result"] });
    this.reloadOk = reg.gauge({ name: "thanos_receive_config_last_reload_successful", help: "Whether the last hashring configuration reload succeeded." });
    this.reloads = reg.counter({ name: "thanos_receive_config_reloads_total", help: "Hashring configuration reloads, by result.", labelNames: ["result"] });
    this.hashringNodes = reg.gauge({ name: "thanos_receive_hashring_nodes", help: "Endpoints in the current hashrings." });
  }

  request(code: number): void {
    this.requests.inc(1, { code: String(code) });
  }
  samplesWritten(tenant: string, n: number): void {
    if (n > 0) this.samples.inc(n, { tenant });
  }
  forward(ok: boolean): void {
    this.forwards.inc(1, { result: ok ? "success" : "error" });
  }
  replication(ok: boolean, n = 1): void {
    if (n > 0) this.replications.inc(n, { result: ok ? "success" : "error" });
  }
}
