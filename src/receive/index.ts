// `aeon receive` write path: remote write 1.0/2.0 handler, per-tenant head + WAL + blocks.
export { Receiver, DEFAULT_LIMITS, type ReceiverOptions, type ReceiveLimits, type LogFn, type WriteRouter } from "./receiver.ts";
export { writeLocal, type WriteOutcome } from "./local-write.ts";
export { ReceiveMetrics } from "./metrics.ts";
export { Tenants, DEFAULT_TENANT, tenantError } from "./tenants.ts";
export { handleRemoteWrite } from "./handler.ts";
export * from "./remote-write/index.ts";

import { LocalTSDB, type TSDBOptions } from "../tsdb/head/index.ts";
// One tenant's TSDB (head + WAL under dir/wal + blocks in dir), opened and replayed.
export function openTenantTSDB(dir: string, opts: TSDBOptions = {}): Promise<LocalTSDB> {
  return LocalTSDB.open(dir, opts);
}
