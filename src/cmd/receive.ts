// `aeon receive`: remote write (1.0/2.0) into per-tenant TSDBs (head + WAL + 2h blocks), served
// over the StoreAPI, blocks shipped to the bucket; in hashring mode series are routed and
// replicated to peer receivers over thanos.WriteableStore/RemoteWrite with a write quorum.
import type { Command } from "./command.ts";
import { list, str, FlagError } from "./flags.ts";
import { componentHttp, grpcFlag, httpFlag, logFlags, loggerFrom, serveHttp, untilShutdown, durationFlag, bucketFrom } from "./common.ts";
import { listenHttp } from "../runtime/index.ts";
import { serveStoreGrpc } from "../store/grpc/index.ts";
import { TSDBStore, type TSDBTenant } from "../store/tsdb/index.ts";
import { fromRecord, sortLabels, type Labels } from "../labels/index.ts";
import { Receiver, ReceiveMetrics, type LogFn } from "../receive/index.ts";
import { HashringWatcher, type HashringAlgorithm } from "../receive/hashring/index.ts";
import { ForwardClients, Router, receiverWriteable } from "../receive/forward/index.ts";
import { ReceiveShipper } from "../receive/upload.ts";
import type { LogValue } from "../observability/index.ts";

// Thanos's --label syntax: name="value" (the value a Go-quoted string).
export function parseLabelFlag(v: string): [string, string] {
  const m = /^([a-zA-Z_][a-zA-Z0-9_]*)=(.*)$/.exec(v);
  if (!m) throw new FlagError(`--label ${JSON.stringify(v)}: want name="value"`);
  let value = m[2];
  if (value.startsWith('"')) {
    try {
      value = JSON.parse(value) as string;
    } catch {
      throw new FlagError(`--label ${JSON.stringify(v)}: bad quoted value`);
    }
  }
  if (value === "") throw new FlagError(`--label ${JSON.stringify(v)}: empty value`);
  return [m[1], value];
}

export const receiveCommand: Command = {
  name: "receive",
  summary: "Receiver: Prometheus remote write into per-tenant TSDBs, served over the StoreAPI and uploaded to the bucket",
  flags: [
    httpFlag(),
    grpcFlag(),
    ...logFlags,
    { name: "remote-write.address", default: "0.0.0.0:19291", help: "Listen host:port for the remote-write endpoint (POST /api/v1/receive)" },
    { name: "tsdb.path", default: "./data", help: "Directory of the per-tenant TSDBs (WAL and local blocks)" },
    { name: "tsdb.retention", default: "15d", help: "How long local blocks are kept (after upload when a bucket is configured); 0 keeps them" },
    { name: "objstore.config-file", help: "Path to the objstore YAML; without a bucket, blocks stay local only" },
    { name: "objstore.config", help: "The objstore YAML itself (alternative to --objstore.config-file)" },
    { name: "label", type: "list", help: 'External label announced and written into uploaded blocks, name="value"; repeatable' },
    { name: "receive.tenant-header", default: "THANOS-TENANT", help: "HTTP header naming the tenant of a write" },
    { name: "receive.replica-header", default: "THANOS-REPLICA", help: "HTTP header carrying the replica number of a write another router already replicated" },
    { name: "receive.default-tenant-id", default: "default-tenant", help: "Tenant of writes without the tenant header" },
    { name: "receive.tenant-label-name", default: "tenant_id", help: "External label carrying the tenant" },
    { name: "receive.hashrings-file", help: "Hashrings JSON file (Thanos format); re-read when it changes" },
    { name: "receive.hashrings", help: "Hashrings JSON given inline (alternative to --receive.hashrings-file)" },
    { name: "receive.hashrings-algorithm", default: "hashmod", help: "Default placement algorithm of rings that name none: hashmod or ketama" },
    { name: "receive.hashrings-file-refresh-interval", default: "5s", help: "How often the hashrings file is checked for changes" },
    { name: "receive.local-endpoint", help: "This receiver's gRPC address as listed in the hashrings (without it: route only)" },
    { name: "receive.replication-factor", default: "1", help: "How many receivers store each series" },
    { name: "receive.grpc-compression", default: "snappy", help: "Compression of forwarded writes: snappy or none" },
    { name: "receive-forward-timeout", default: "5s", help: "Timeout of one forwarded write" },
  ],
  async run(f) {
    const log = loggerFrom(f, "receive");
    const logFn: LogFn = (level, msg, kv) => log[level](msg, kv as Record<string, LogValue> | undefined);
    const ext: Record<string, string> = {};
    for (const l of list(f, "label")) {
      const [k, v] = parseLabelFlag(l);
      ext[k] = v;
    }
    const tenantLabel = str(f, "receive.tenant-label-name");
    if (tenantLabel in ext) throw new FlagError(`--label ${tenantLabel} clashes with --receive.tenant-label-name`);
    const rf = Number(str(f, "receive.replication-factor"));
    if (!Number.isInteger(rf) || rf < 1) throw new FlagError("--receive.replication-factor must be a positive integer");
    const algorithm = str(f, "receive.hashrings-algorithm");
    if (algorithm !== "hashmod" && algorithm !== "ketama") throw new FlagError("--receive.hashrings-algorithm must be hashmod or ketama");
    const compression = str(f, "receive.grpc-compression");
    if (compression !== "snappy" && compression !== "none") throw new FlagError("--receive.grpc-compression must be snappy or none");
    const retentionMs = str(f, "tsdb.retention") === "0" ? 0 : durationFlag(f, "tsdb.retention");
    const bucket = await bucketFrom(f);

    const { app, registry, readiness } = componentHttp();
    const metrics = new ReceiveMetrics(registry);
    let shipper: ReceiveShipper | null = null;
    const rx = new Receiver({
      tsdbPath: str(f, "tsdb.path"),
      tenantHeader: str(f, "receive.tenant-header"),
      replicaHeader: str(f, "receive.replica-header"),
      defaultTenant: str(f, "receive.default-tenant-id"),
      tenantLabelName: tenantLabel,
      externalLabels: ext,
      onBlock: (tenant) => shipper?.blockCut(tenant),
      log: logFn,
      metrics,
    });

    // Hashring mode.
    let watcher: HashringWatcher | null = null;
    const clients = new ForwardClients(compression);
    const ringFile = str(f, "receive.hashrings-file");
    const ringInline = str(f, "receive.hashrings");
    if (ringFile || ringInline) {
      watcher = new HashringWatcher({
        file: ringFile || undefined,
        inline: ringFile ? undefined : ringInline,
        algorithm: algorithm as HashringAlgorithm,
        replicationFactor: rf,
        intervalMs: durationFlag(f, "receive.hashrings-file-refresh-interval"),
        onReload: (ok, err, ring) => {
          metrics.reloadOk.set(ok ? 1 : 0);
          metrics.reloads.inc(1, { result: ok ? "success" : "error" });
          if (ok && ring) {
            const nodes = ring.nodes().map((n) => n.address);
            metrics.hashringNodes.set(nodes.length);
            clients.retain(nodes);
            log.info("hashring loaded", { nodes: nodes.join(","), algorithm, replication_factor: rf });
          } else log.error("hashring config invalid; keeping the previous one", { err: String(err?.message ?? err) });
        },
      });
      await watcher.start();
      rx.router = new Router({
        rx,
        hashring: () => watcher!.current,
        localEndpoint: str(f, "receive.local-endpoint"),
        replicationFactor: rf,
        clients,
        forwardTimeoutMs: durationFlag(f, "receive-forward-timeout"),
      });
    } else if (rf > 1) throw new FlagError("--receive.replication-factor > 1 needs --receive.hashrings-file or --receive.hashrings");

    const extCache = new Map<string, Labels>();
    const tenantsForStore = function* (): Iterable<TSDBTenant> {
      for (const [name, db] of rx.tenants.opened) {
        let labels = extCache.get(name);
        if (!labels) extCache.set(name, (labels = sortLabels(fromRecord(rx.externalLabels(name)))));
        yield { name, db, externalLabels: labels };
      }
    };
    const store = new TSDBStore({ tenants: tenantsForStore, componentType: "receive" });

    readiness.markNotReady("replaying WALs");
    const http = await serveHttp(str(f, "http-address"), app, log);
    await rx.start();
    shipper = new ReceiveShipper({ rx, bucket: bucket ?? undefined, retentionMs });
    shipper.start();
    const grpc = await serveStoreGrpc({ address: str(f, "grpc-address"), store, writeable: receiverWriteable(rx), registry });
    log.info("serving StoreAPI and WriteableStore", { address: `${grpc.host}:${grpc.port}` });
    const rw = await listenHttp(str(f, "remote-write.address"), rx.fetch);
    log.info("listening for remote write", { address: `${rw.host}:${rw.port}`, path: "/api/v1/receive" });
    readiness.markReady();
    return untilShutdown(log, [
      () => bucket?.close(),
      () => http.close(),
      () => rx.close(),
      () => shipper?.stop(),
      () => store.close(),
      () => grpc.close(),
      () => clients.close(),
      () => watcher?.stop(),
      () => rw.close(),
    ]);
  },
};
