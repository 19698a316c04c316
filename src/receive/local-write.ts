// Writing a batch into the tenant's local TSDB and classifying the result in the status codes
// remote-write senders expect: 200, 409 (conflicts with stored data: never retried), 429 (the
// tenant's series limit), 500 (WAL failure). Shared by the HTTP handler, the hashring router
// (local replicas) and the gRPC WriteableStore (replicas forwarded by other receivers).
import type { AppendSummary, WriteBatch } from "../tsdb/head/index.ts";
import type { Receiver } from "./receiver.ts";

export interface WriteOutcome {
  status: number; // HTTP status a sender should see
  message: string;
  written: number; // samples stored (appended + identical duplicates)
}

export const OK: WriteOutcome = { status: 200, message: "", written: 0 };

export async function writeLocal(rx: Receiver, tenant: string, b: WriteBatch): Promise<WriteOutcome> {
  if (b.series.length === 0) return { ...OK };
  const db = await rx.tenant(tenant);
  const sum = db.append(b);
  if (sum.seriesLimited) return { status: 429, message: `tenant ${tenant} would exceed its limit of ${rx.limits.maxActiveSeriesPerTenant} active series`, written: 0 };
  await db.commit();
  const written = sum.appended + sum.duplicatesIgnored;
  rx.metrics?.samplesWritten(tenant, sum.appended);
  db.cutBlockIfDue().catch((e) => rx.opts.log?.("error", "cutting head block failed", { tenant, err: String(e) }));
  return conflictOutcome(sum, written);
}

function conflictOutcome(sum: AppendSummary, written: number): WriteOutcome {
  const conflicts = sum.outOfOrder + sum.duplicateTimestamp + sum.tooOld;
  if (conflicts === 0) return { status: 200, message: "", written };
  const parts: string[] = [];
  if (sum.outOfOrder) parts.push(`${sum.outOfOrder} out of order`);
  if (sum.duplicateTimestamp) parts.push(`${sum.duplicateTimestamp} duplicate timestamp with a different value`);
  if (sum.tooOld) parts.push(`${sum.tooOld} too old (out of bounds)`);
  return { status: 409, message: `${conflicts} samples refused (${parts.join(", ")}); first: ${sum.firstConflict}`, written };
}
