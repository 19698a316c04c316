// The few Prometheus HTTP endpoints the sidecar talks to: config (external labels), readiness,
// TSDB status, label/series metadata and remote read. Failures become StoreErrors with the gRPC
// code a querier should see (Prometheus unreachable or not ready -> Unavailable).
import { create, toBinary } from "@bufbuild/protobuf";
import { parse as parseYaml } from "yaml";
import { QuerySchema, ReadRequest_ResponseType, ReadRequestSchema } from "../gen/prometheus/remote_pb.ts";
import { LabelMatcher_Type as PromMatchType, LabelMatcherSchema as PromMatcherSchema } from "../gen/prometheus/types_pb.ts";
import { snappyBlockEncode } from "../codec/index.ts";
import { goQuote, sortLabels, type Label, type Matcher } from "../labels/index.ts";
import { StoreError } from "../store/errors.ts";

export const REMOTE_READ_STREAMED_CONTENT_TYPE = "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse";

const PROM_MATCH_TYPES = { "=": PromMatchType.EQ, "!=": PromMatchType.NEQ, "=~": PromMatchType.RE, "!~": PromMatchType.NRE } as const;

// Beyond this (year ~2286) a time is one of StoreAPI's "unbounded" sentinels (MinInt64/MaxInt64),
// which Prometheus's API would misparse; such bounds are left out of the request instead.
const SANE_MS = 10_000_000_000_000n;

export interface TimeRange {
  start: bigint; // ms
  end: bigint; // ms
}

// Prometheus's JSON shapes for metadata and exemplars.
export interface PromMetricMetadata {
  type: string;
  help: string;
  unit: string;
}

export interface PromExemplar {
  labels: Record<string, string>;
  value: string; // Go float formatting, "+Inf"/"-Inf"/"NaN" included
  timestamp: number; // seconds, millisecond precision
}

export interface PromExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: PromExemplar[];
}

export class PrometheusClient {
  readonly base: string;
  constructor(url: string, private readonly userAgent = "aeon-sidecar") {
    this.base = url.replace(/\/+$/, "");
  }

  // global.external_labels from the loaded configuration, sorted by name.
  async externalLabels(signal?: AbortSignal): Promise<Label[]> {
    const body = (await this.getJson("/api/v1/status/config", signal)) as { data?: { yaml?: string } };
    const text = body.data?.yaml;
    if (typeof text !== "string") throw new StoreError("Internal", "Prometheus /api/v1/status/config: no data.yaml in the answer");
    const cfg = parseYaml(text) as { global?: { external_labels?: Record<string, unknown> } } | null;
    const ext = cfg?.global?.external_labels ?? {};
    return sortLabels(Object.entries(ext).map(([name, value]) => ({ name, value: String(value) })));
  }

  async ready(signal?: AbortSignal): Promise<boolean> {
    try {
      const r = await fetch(`${this.base}/-/ready`, { signal, headers: { "User-Agent": this.userAgent } });
      await r.arrayBuffer();
      return r.ok;
    } catch (e) {
      if ((e as Error).name === "AbortError" || (e as Error).name === "TimeoutError") throw e;
      return false;
    }
  }

  // Command-line flags (/api/v1/status/flags), e.g. "storage.tsdb.min-block-duration".
  async flags(signal?: AbortSignal): Promise<Record<string, string>> {
    const body = (await this.getJson("/api/v1/status/flags", signal)) as { data?: Record<string, string> };
    return body.data ?? {};
  }

  // headStats.minTime of /api/v1/status/tsdb; undefined while the head is empty.
  async headMinTime(signal?: AbortSignal): Promise<number | undefined> {
    const body = (await this.getJson("/api/v1/status/tsdb", signal)) as { data?: { headStats?: { minTime?: number; maxTime?: number } } };
    const t = body.data?.headStats?.minTime;
    // An empty head reports MaxInt64, which JSON.parse rounds; anything that far out means "none".
    return typeof t === "number" && Math.abs(t) < Number(SANE_MS) ? t : undefined;
  }

  async labelNames(ms: readonly Matcher[], range: TimeRange, signal?: AbortSignal): Promise<string[]> {
    const q = rangeParams(range);
    if (ms.length) q.append("match[]", selector(ms));
    return (await this.getData("/api/v1/labels", q, signal)) as string[];
  }

  async labelValues(name: string, ms: readonly Matcher[], range: TimeRange, signal?: AbortSignal): Promise<string[]> {
    const q = rangeParams(range);
    if (ms.length) q.append("match[]", selector(ms));
    return (await this.getData(`/api/v1/label/${encodeURIComponent(name)}/values`, q, signal)) as string[];
  }

  // Label sets of the series matching `ms` (at least one matcher; see selector()).
  async series(ms: readonly Matcher[], range: TimeRange, signal?: AbortSignal): Promise<Record<string, string>[]> {
    const q = rangeParams(range);
    q.append("match[]", selector(ms));
    // POST with a form body: long regex selectors would overflow a URL.
    return (await this.fetchJson("/api/v1/series", { method: "POST", body: q, headers: { "Content-Type": "application/x-www-form-urlencoded" } }, signal)).data as Record<string, string>[];
  }

  // /api/v1/metadata: metric name -> its distinct {type, help, unit} entries. `limit` < 0 means
  // no limit (Prometheus's default), as in thanos.MetricMetadataRequest.
  async metricMetadata(metric: string, limit: number, signal?: AbortSignal): Promise<Record<string, PromMetricMetadata[]>> {
    const q = new URLSearchParams();
    if (metric) q.set("metric", metric);
    if (limit >= 0) q.set("limit", String(limit));
    return ((await this.getData("/api/v1/metadata", q, signal)) ?? {}) as Record<string, PromMetricMetadata[]>;
  }

  // /api/v1/query_exemplars for a PromQL query (only its selectors matter) over [start, end] ms;
  // StoreAPI's unbounded sentinels are left out, which Prometheus reads as "all time".
  async queryExemplars(query: string, range: TimeRange, signal?: AbortSignal): Promise<PromExemplarSeries[]> {
    const q = new URLSearchParams({ query });
    if (range.start > -SANE_MS && range.start < SANE_MS) q.set("start", msToSeconds(range.start));
    if (range.end > -SANE_MS && range.end < SANE_MS) q.set("end", msToSeconds(range.end));
    // POST with a form body, like series: selectors can be long.
    const body = await this.fetchJson("/api/v1/query_exemplars", { method: "POST", body: q, headers: { "Content-Type": "application/x-www-form-urlencoded" } }, signal);
    return (body.data ?? []) as PromExemplarSeries[];
  }

  // Starts a streamed remote read (STREAMED_XOR_CHUNKS) and returns the response with its body
  // unread; the caller parses frames as they arrive.
  async remoteRead(ms: readonly Matcher[], range: TimeRange, signal?: AbortSignal): Promise<Response> {
    const req = create(ReadRequestSchema, {
      queries: [
        create(QuerySchema, {
          startTimestampMs: range.start,
          endTimestampMs: range.end,
          matchers: ms.map((m) => create(PromMatcherSchema, { type: PROM_MATCH_TYPES[m.type], name: m.name, value: m.value })),
        }),
      ],
      acceptedResponseTypes: [ReadRequest_ResponseType.STREAMED_XOR_CHUNKS],
    });
    const resp = await this.send(
      "/api/v1/read",
      {
        method: "POST",
        body: snappyBlockEncode(toBinary(ReadRequestSchema, req)) as Uint8Array<ArrayBuffer>,
        headers: {
          "Content-Encoding": "snappy",
          "Accept-Encoding": "snappy",
          "Content-Type": "application/x-protobuf",
          "X-Prometheus-Remote-Read-Version": "0.1.0",
        },
      },
      signal,
    );
    const ct = resp.headers.get("Content-Type") ?? "";
    if (!ct.startsWith(REMOTE_READ_STREAMED_CONTENT_TYPE)) {
      await resp.body?.cancel().catch(() => {});
      // Prometheus older than 2.13 only answers SAMPLES; we do not re-encode samples into chunks.
      throw new StoreError("Unimplemented", `Prometheus remote read answered ${JSON.stringify(ct)}, not streamed XOR chunks (Prometheus >= 2.13 required)`);
    }
    return resp;
  }

  private async getData(path: string, q: URLSearchParams, signal?: AbortSignal): Promise<unknown> {
    const qs = q.toString();
    return (await this.fetchJson(qs ? `${path}?${qs}` : path, { method: "GET" }, signal)).data;
  }

  private async getJson(path: string, signal?: AbortSignal): Promise<unknown> {
    return this.fetchJson(path, { method: "GET" }, signal);
  }

  private async fetchJson(path: string, init: RequestInit, signal?: AbortSignal): Promise<{ status?: string; data?: unknown }> {
    const resp = await this.send(path, init, signal);
    const text = await resp.text();
    try {
      return JSON.parse(text) as { status?: string; data?: unknown };
    } catch {
      throw new StoreError("Internal", `Prometheus ${path.split("?")[0]}: invalid JSON answer`);
    }
  }

  // Non-2xx answers become StoreErrors carrying Prometheus's message.
  private async send(path: string, init: RequestInit, signal?: AbortSignal): Promise<Response> {
    const where = `Prometheus ${init.method ?? "GET"} ${path.split("?")[0]}`;
    let resp: Response;
    try {
      resp = await fetch(`${this.base}${path}`, { ...init, signal, headers: { ...(init.headers as Record<string, string>), "User-Agent": this.userAgent } });
    } catch (e) {
      const err = e as Error;
      if (err.name === "AbortError") throw new StoreError("Canceled", `${where}: canceled`, { cause: e });
      if (err.name === "TimeoutError") throw new StoreError("DeadlineExceeded", `${where}: deadline exceeded`, { cause: e });
      throw new StoreError("Unavailable", `${where}: ${err.message}${err.cause ? ` (${(err.cause as Error).message ?? String(err.cause)})` : ""}`, { cause: e });
    }
    if (resp.ok) return resp;
    const text = (await resp.text().catch(() => "")).slice(0, 1000);
    let msg = text.trim();
    try {
      const j = JSON.parse(text) as { error?: string };
      if (j.error) msg = j.error;
    } catch {
      // plain-text error body (remote read answers text)
    }
    const code = resp.status === 503 || resp.status === 429 ? "Unavailable" : resp.status >= 400 && resp.status < 500 ? "InvalidArgument" : "Internal";
    throw new StoreError(code, `${where}: HTTP ${resp.status}: ${msg}`);
  }
}

// A PromQL series selector for the HTTP API. Prometheus refuses selectors whose every matcher
// matches the empty string, so such sets get `__name__=~".+"` added: every stored series has a
// name, so the answer is unchanged.
export function selector(ms: readonly Matcher[]): string {
  const parts = ms.map((m) => `${m.name}${m.type}${goQuote(m.value)}`);
  if (!ms.some((m) => !m.matches(""))) parts.push(`__name__=~".+"`);
  return `{${parts.join(",")}}`;
}

function rangeParams(r: TimeRange): URLSearchParams {
  const q = new URLSearchParams();
  // 0..0 is how older queriers say "no range" in label requests.
  if (r.start === 0n && r.end === 0n) return q;
  if (r.start > -SANE_MS && r.start < SANE_MS) q.set("start", msToSeconds(r.start));
  if (r.end > -SANE_MS && r.end < SANE_MS) q.set("end", msToSeconds(r.end));
  return q;
}

// Exact decimal seconds (no float rounding of the millisecond part).
function msToSeconds(ms: bigint): string {
  const neg = ms < 0n;
  const a = neg ? -ms : ms;
  return `${neg ? "-" : ""}${a / 1000n}.${(a % 1000n).toString().padStart(3, "0")}`;
}
