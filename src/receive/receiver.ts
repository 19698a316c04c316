// The write path of `aeon receive`: remote write 1.0/2.0 over HTTP into per-tenant TSDBs.
// A 2xx is sent only after the request's samples are fsynced in the tenant's WAL; concurrent
// requests share fsyncs (group commit), so durability costs one fsync per burst, not per request.
import { Hono } from "hono";
import type { BlockWriterFn, TSDBOptions, LocalTSDB, WriteBatch } from "../tsdb/head/index.ts";
import { headBlockWriter } from "../tsdb/head/index.ts";
import type { ThanosMeta } from "../tsdb/block/meta.ts";
import { DEFAULT_TENANT, Tenants, tenantError } from "./tenants.ts";
import { handleRemoteWrite } from "./handler.ts";
import type { WriteOutcome } from "./local-write.ts";
import type { ReceiveMetrics } from "./metrics.ts";

// Distributes a write over the hashring (see src/receive/forward). `replica` > 0 marks a
// request another receiver already routed: it must be stored locally, never forwarded again.
export interface WriteRouter {
  write(tenant: string, batch: WriteBatch, replica: number): Promise<WriteOutcome>;
}

export interface ReceiveLimits {
  maxBodyBytes: number; // compressed request body (413 above); 0 = unlimited
  maxDecodedBytes: number; // decompressed protobuf (413 above)
  maxSeriesPerRequest: number; // 413 above; 0 = unlimited
  maxSamplesPerRequest: number; // 413 above; 0 = unlimited
  maxActiveSeriesPerTenant: number; // 429 when a write would exceed it; 0 = unlimited
}

export const DEFAULT_LIMITS: ReceiveLimits = {
  maxBodyBytes: 32 << 20,
  maxDecodedBytes: 256 << 20,
  maxSeriesPerRequest: 0,
  maxSamplesPerRequest: 0,
  maxActiveSeriesPerTenant: 0,
};

export type LogFn = (level: "info" | "warn" | "error", msg: string, kv?: Record<string, unknown>) => void;

export interface ReceiverOptions {
  tsdbPath: string;
  tenantHeader?: string; // THANOS-TENANT
  replicaHeader?: string; // THANOS-REPLICA
  defaultTenant?: string; // default-tenant
  tenantLabelName?: string; // tenant_id
  externalLabels?: Record<string, string>; // --label flags, e.g. replica="r1"
  limits?: Partial<ReceiveLimits>;
  tsdb?: Omit<TSDBOptions, "maxSeries" | "log" | "writeBlock" | "onBlock">;
  // Block persistence: defaults to the shared block writer with the tenant's thanos meta;
  // `false` keeps everything in the head (tests, or a receiver without local blocks).
  writeBlock?: ((tenant: string) => BlockWriterFn) | false;
  onBlock?: (tenant: string, ulid: string, dir: string) => void;
  log?: LogFn;
  metrics?: ReceiveMetrics;
}

export class Receiver {
  readonly opts: ReceiverOptions;
  readonly limits: ReceiveLimits;
  readonly tenants: Tenants;
  readonly tenantHeader: string;
  readonly replicaHeader: string;
  readonly defaultTenant: string;
  // Set in hashring mode; without it every write is local.
  router: WriteRouter | null = null;
  readonly metrics: ReceiveMetrics | undefined;
  private ready = false;
  private closed = false;
  private readonly app: Hono;

  constructor(opts: ReceiverOptions) {
    this.opts = opts;
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.metrics = opts.metrics;
    this.tenantHeader = opts.tenantHeader ?? "THANOS-TENANT";
    this.replicaHeader = opts.replicaHeader ?? "THANOS-REPLICA";
    this.defaultTenant = opts.defaultTenant ?? DEFAULT_TENANT;
    const bad = tenantError(this.defaultTenant);
    if (bad) throw new Error(`default tenant: ${bad}`);
    this.tenants = new Tenants(opts.tsdbPath, (tenant) => this.tsdbOptions(tenant));
    this.app = new Hono();
    this.app.post("/api/v1/receive", (c) => handleRemoteWrite(this, c.req.raw));
    this.app.get("/-/healthy", (c) => c.text("OK"));
    this.app.get("/-/ready", (c) => (this.isReady ? c.text("OK") : c.text("not ready", 503)));
  }

  // Opens the tenants already on disk (WAL replay); until then writes get 503.
  async start(): Promise<void> {
    const names = await this.tenants.openExisting();
    this.ready = true;
    this.opts.log?.("info", "receiver ready", { tenants: names.length, path: this.opts.tsdbPath });
  }

  get isReady(): boolean {
    return this.ready && !this.closed;
  }

  // Hono app: POST /api/v1/receive, GET /-/healthy, GET /-/ready.
  handler(): Hono {
    return this.app;
  }

  get fetch(): (req: Request) => Response | Promise<Response> {
    return (req) => this.app.fetch(req);
  }

  tenant(name: string): Promise<LocalTSDB> {
    return this.tenants.get(name);
  }

  // External labels of a tenant's data: the configured ones plus tenant_id.
  externalLabels(tenant: string): Record<string, string> {
    return { ...this.opts.externalLabels, [this.opts.tenantLabelName ?? "tenant_id"]: tenant };
  }

  private tsdbOptions(tenant: string): TSDBOptions {
    const thanos = (): ThanosMeta => ({ version: 1, labels: this.externalLabels(tenant), downsample: { resolution: 0 }, source: "receive" });
    const writeBlock = this.opts.writeBlock === false ? undefined : this.opts.writeBlock ? this.opts.writeBlock(tenant) : headBlockWriter(thanos);
    return {
      ...this.opts.tsdb,
      maxSeries: this.limits.maxActiveSeriesPerTenant,
      writeBlock,
      onBlock: this.opts.onBlock ? (ulid, dir) => this.opts.onBlock!(tenant, ulid, dir) : undefined,
      log: this.opts.log ? (level, msg, kv) => this.opts.log!(level, msg, { tenant, ...kv }) : undefined,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.tenants.close();
  }
}
