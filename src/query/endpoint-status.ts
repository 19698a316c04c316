// Thanos's /api/v1/stores: every endpoint with its last Info, grouped by component type.
import type { ProxyEndpoint } from "../store/proxy/index.ts";
import { toRecord } from "../labels/labels.ts";

export function endpointStatus(eps: ProxyEndpoint[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const ep of eps) {
    const type = ep.info?.ComponentType || "unknown";
    (out[type] ??= []).push({
      name: ep.client.name,
      lastCheck: new Date().toISOString(),
      lastError: ep.info ? null : "no Info answer yet",
      labelSets: (ep.info?.labelSets ?? []).map((s) => toRecord(s.labels)),
      minTime: Number(ep.info?.store?.minTime ?? 0),
      maxTime: Number(ep.info?.store?.maxTime ?? 0),
    });
  }
  return out;
}
