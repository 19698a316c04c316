// Which endpoints a request goes to: an endpoint's Info (time range, external label sets) must be
// compatible with the request. Endpoints whose Info is unknown are queried anyway (we cannot
// prove they are irrelevant); the EndpointSet below keeps Info fresh.
import type { InfoResponse } from "../../gen/thanos/info/rpc_pb.ts";
import type { Labels } from "../../labels/index.ts";
import type { Matcher } from "../../labels/index.ts";
import { externalLabelsMatch } from "../matchers.ts";
import type { StoreClient } from "../types.ts";

export interface ProxyEndpoint {
  client: StoreClient;
  // Last Info answer; null when not (yet) known.
  info: InfoResponse | null;
}

export function endpointLabelSets(info: InfoResponse | null): Labels[] {
  return info ? info.labelSets.map((s) => s.labels) : [];
}

export function endpointMatches(ep: ProxyEndpoint, minTime: bigint, maxTime: bigint, ms: readonly Matcher[]): boolean {
  const st = ep.info?.store;
  if (ep.info && !st) return false; // the endpoint does not expose the StoreAPI
  if (st && (st.minTime > maxTime || st.maxTime < minTime)) return false;
  return externalLabelsMatch(ms, endpointLabelSets(ep.info));
}

// Keeps Info of a fixed list of clients up to date (Thanos refreshes every 5s by default). An
// endpoint whose Info call fails keeps its last known Info and is still queried, so its failure
// surfaces as a partial-response warning rather than silently shrinking the result.
export class EndpointSet {
  private readonly eps: ProxyEndpoint[];
  private timer: ReturnType<typeof setInterval> | null = null;
  constructor(clients: StoreClient[]) {
    this.eps = clients.map((client) => ({ client, info: null }));
  }

  endpoints(): ProxyEndpoint[] {
    return this.eps;
  }

  async refresh(timeoutMs = 5000): Promise<void> {
    await Promise.all(
      this.eps.map(async (ep) => {
        try {
          ep.info = await ep.client.info({ signal: AbortSignal.timeout(timeoutMs) });
        } catch {
          // keep the previous Info
        }
      }),
    );
  }

  start(intervalMs = 5000): void {
    this.stop();
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
