// Ships the tenants' local blocks to the bucket (the shipper of `aeon receive`): every complete
// block not yet uploaded is uploaded with the tenant's external labels and source "receive"
// (meta.json last, see src/blockstore/upload.ts), and remembered in
// <tenant dir>/thanos.shipper.json, Thanos's shipper file, so restarts neither skip nor repeat
// uploads. Also applies --tsdb.retention to local blocks (only once they are uploaded, when a
// bucket is configured). Uploads of one tenant run one at a time, oldest block first.
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Bucket } from "../objstore/index.ts";
import { uploadBlock } from "../blockstore/index.ts";
import type { LocalTSDB } from "../tsdb/head/index.ts";
import type { Receiver } from "./receiver.ts";

export const SHIPPER_FILE = "thanos.shipper.json";

export interface ShipperOptions {
  rx: Receiver;
  bucket?: Bucket; // without one, only retention runs
  retentionMs: number; // 0 = keep local blocks forever
  intervalMs?: number; // periodic pass (default 30s); new blocks are also shipped at once
  now?: () => number;
}

export class ReceiveShipper {
  private readonly chains = new Map<string, Promise<void>>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly o: ShipperOptions) {}

  start(): void {
    void this.syncAll();
    this.timer = setInterval(() => void this.syncAll(), this.o.intervalMs ?? 30_000);
    (this.timer as { unref?: () => void }).unref?.();
  }

  // Hook for Receiver.onBlock: a block was just cut for `tenant`.
  blockCut(tenant: string): void {
    void this.syncTenant(tenant);
  }

  async syncAll(): Promise<void> {
    await Promise.all([...this.o.rx.tenants.opened.keys()].map((t) => this.syncTenant(t)));
  }

  // Serialized per tenant; never rejects (failures are logged and retried on the next pass).
  syncTenant(tenant: string): Promise<void> {
    const prev = this.chains.get(tenant) ?? Promise.resolve();
    const next = prev.then(() => this.pass(tenant)).catch((e) => this.o.rx.opts.log?.("warn", "shipping blocks failed; will retry", { tenant, err: String((e as Error).message ?? e) }));
    this.chains.set(tenant, next);
    return next;
  }

  private async pass(tenant: string): Promise<void> {
    const db = this.o.rx.tenants.opened.get(tenant);
    if (!db) return;
    const state = await readShipperFile(db.dir);
    const uploaded = new Set(state.uploaded);
    const blocks = await db.blocks();
    if (this.o.bucket) {
      for (const dir of blocks) {
        const id = basename(dir);
        if (uploaded.has(id)) continue;
        const meta = await uploadBlock(this.o.bucket, dir, { labels: this.o.rx.externalLabels(tenant), source: "receive" });
        uploaded.add(id);
        await writeShipperFile(db.dir, [...uploaded]);
        this.o.rx.opts.log?.("info", "block uploaded", { tenant, block: id, mint: meta.minTime, maxt: meta.maxTime, bucket: this.o.bucket.name });
      }
    }
    await this.applyRetention(tenant, db, blocks, uploaded);
  }

  private async applyRetention(tenant: string, db: LocalTSDB, blocks: string[], uploaded: Set<string>): Promise<void> {
    if (this.o.retentionMs <= 0) return;
    const cutoff = (this.o.now ?? Date.now)() - this.o.retentionMs;
    let changed = false;
    for (const dir of blocks) {
      const id = basename(dir);
      if (this.o.bucket && !uploaded.has(id)) continue; // never lose a block not yet shipped
      let maxTime: number;
      try {
        maxTime = (JSON.parse(await readFile(join(dir, "meta.json"), "utf8")) as { maxTime: number }).maxTime;
      } catch {
        continue;
      }
      if (maxTime >= cutoff) continue;
      // meta.json first: a half-deleted block is then "incomplete" and ignored, never served.
      await rm(join(dir, "meta.json"), { force: true });
      await rm(dir, { recursive: true, force: true });
      uploaded.delete(id);
      changed = true;
      this.o.rx.opts.log?.("info", "local block deleted by retention", { tenant, block: id, maxt: maxTime });
    }
    if (changed && this.o.bucket) await writeShipperFile(db.dir, [...uploaded]);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.chains.values());
  }
}

export async function readShipperFile(dir: string): Promise<{ version: number; uploaded: string[] }> {
  try {
    const j = JSON.parse(await readFile(join(dir, SHIPPER_FILE), "utf8")) as { version?: number; uploaded?: unknown };
    return { version: j.version ?? 1, uploaded: Array.isArray(j.uploaded) ? j.uploaded.filter((x): x is string => typeof x === "string") : [] };
  } catch {
    return { version: 1, uploaded: [] };
  }
}

async function writeShipperFile(dir: string, uploaded: string[]): Promise<void> {
  const tmp = join(dir, SHIPPER_FILE + ".tmp");
  await writeFile(tmp, JSON.stringify({ version: 1, uploaded: uploaded.sort() }, null, "\t"));
  await rename(tmp, join(dir, SHIPPER_FILE));
}
