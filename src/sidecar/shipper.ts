// The shipper: uploads every finished block Prometheus writes into --tsdb.path to the bucket,
// with the `thanos` meta section (external labels, source "sidecar", raw resolution), meta.json
// last. What was shipped is recorded in `thanos.shipper.json` (Thanos's format) so a restart
// neither skips nor re-uploads blocks; a lost state file is rebuilt from the bucket (a block
// whose meta.json is already there counts as shipped).
import { link, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { uploadBlock, META_FILE, CHUNKS_DIR, INDEX_FILE, isUlid } from "../blockstore/index.ts";
import type { Bucket } from "../objstore/index.ts";
import type { Counter, Logger, Registry } from "../observability/index.ts";
import { parseMeta, type BlockMeta } from "../tsdb/block/meta.ts";
import { toRecord, type Label } from "../labels/index.ts";

export const SHIPPER_STATE_FILE = "thanos.shipper.json";
// Hard-linked copies of blocks being uploaded, so Prometheus deleting or compacting a block
// mid-upload cannot tear the files out from under us (the links keep the data alive).
const STAGING_DIR = "thanos/upload";

export interface ShipperState {
  version: 1;
  uploaded: string[];
}

export interface ShipperOptions {
  dir: string; // Prometheus's --storage.tsdb.path
  bucket: Bucket;
  externalLabels: () => readonly Label[];
  logger: Logger;
  registry?: Registry;
  // Also ship blocks Prometheus compacted (level > 1). Off by default: with Prometheus's own
  // compaction on, level-1 blocks are shipped before they are compacted and the compactor in
  // the bucket does the rest; shipping both would duplicate data.
  uploadCompacted?: boolean;
}

export interface SyncResult {
  uploaded: string[];
  failed: number;
}

export async function readShipperState(dir: string): Promise<ShipperState | undefined> {
  let text: string;
  try {
    text = await readFile(`${dir}/${SHIPPER_STATE_FILE}`, "utf8");
  } catch {
    return undefined;
  }
  const raw = JSON.parse(text) as Partial<ShipperState>;
  if (raw.version !== 1) throw new Error(`${SHIPPER_STATE_FILE}: unsupported version ${String(raw.version)}`);
  return { version: 1, uploaded: Array.isArray(raw.uploaded) ? raw.uploaded.filter((x) => typeof x === "string") : [] };
}

// Written to a temp file and renamed, so a crash leaves either the old or the new state.
async function writeShipperState(dir: string, state: ShipperState): Promise<void> {
  const tmp = `${dir}/${SHIPPER_STATE_FILE}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, "\t") + "\n");
  await rename(tmp, `${dir}/${SHIPPER_STATE_FILE}`);
}

export class Shipper {
  private readonly uploads?: Counter;
  private readonly uploadFailures?: Counter;
  private readonly syncs?: Counter;
  private readonly syncFailures?: Counter;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly opts: ShipperOptions) {
    const r = opts.registry;
    if (r) {
      this.uploads = r.counter({ name: "thanos_shipper_uploads_total", help: "Total number of uploaded blocks." });
      this.uploadFailures = r.counter({ name: "thanos_shipper_upload_failures_total", help: "Total number of block upload failures." });
      this.syncs = r.counter({ name: "thanos_shipper_dir_syncs_total", help: "Total number of dir syncs." });
      this.syncFailures = r.counter({ name: "thanos_shipper_dir_sync_failures_total", help: "Total number of failed dir syncs." });
    }
  }

  // One pass: uploads every finished, not yet shipped block, oldest first. A failed block is
  // retried on the next pass; the others still go up.
  async sync(): Promise<SyncResult> {
    this.syncs?.inc();
    const { dir, bucket } = this.opts;
    const state = (await readShipperState(dir).catch((e) => {
      // A corrupt state file must not stop shipping: the bucket check below prevents duplicates.
      this.opts.logger.warn("cannot read shipper state file; rebuilding it from the bucket", { err: e as Error });
      return undefined;
    })) ?? { version: 1 as const, uploaded: [] };
    const shipped = new Set(state.uploaded);
    const metas = await this.localBlocks();
    const result: SyncResult = { uploaded: [], failed: 0 };
    let changed = false;
    for (const meta of metas) {
      if (shipped.has(meta.ulid)) continue;
      if (meta.compaction.level > 1 && !this.opts.uploadCompacted) continue;
      try {
        if (await bucket.exists(`${meta.ulid}/${META_FILE}`)) {
          shipped.add(meta.ulid);
          changed = true;
          continue;
        }
        await this.upload(meta.ulid);
        shipped.add(meta.ulid);
        changed = true;
        result.uploaded.push(meta.ulid);
        this.uploads?.inc();
        this.opts.logger.info("upload new block", { id: meta.ulid, minTime: meta.minTime, maxTime: meta.maxTime });
        // Record each block as soon as it is up: a crash later in the pass must not re-upload it.
        await writeShipperState(dir, { version: 1, uploaded: this.keepLocal(shipped, metas) });
      } catch (e) {
        result.failed++;
        this.uploadFailures?.inc();
        this.opts.logger.error("shipping block failed; will retry", { id: meta.ulid, err: e as Error });
      }
    }
    // Forget blocks Prometheus deleted (retention), as Thanos does, so the file stays small.
    const kept = this.keepLocal(shipped, metas);
    if (changed || kept.length !== state.uploaded.length) await writeShipperState(dir, { version: 1, uploaded: kept });
    if (result.failed) this.syncFailures?.inc();
    return result;
  }

  // Runs sync() now and then every `intervalMs` (Thanos: 30s) until stop().
  start(intervalMs: number): void {
    const tick = async (): Promise<void> => {
      try {
        this.running = this.sync();
        await this.running;
      } catch (e) {
        this.syncFailures?.inc();
        this.opts.logger.error("shipper sync failed", { err: e as Error });
      } finally {
        this.running = undefined;
        if (!this.stopped) this.timer = setTimeout(() => void tick(), intervalMs);
      }
    };
    this.stopped = false;
    void tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }

  private keepLocal(shipped: Set<string>, metas: BlockMeta[]): string[] {
    const local = new Set(metas.map((m) => m.ulid));
    return [...shipped].filter((id) => local.has(id)).sort();
  }

  // Finished blocks: ULID-named dirs with a parsable meta.json (Prometheus writes a block under
  // a temporary name and renames it when complete). Sorted oldest first.
  private async localBlocks(): Promise<BlockMeta[]> {
    const out: BlockMeta[] = [];
    for (const name of await readdir(this.opts.dir)) {
      if (!isUlid(name)) continue;
      try {
        const meta = parseMeta(await readFile(`${this.opts.dir}/${name}/${META_FILE}`, "utf8"), `${name}/${META_FILE}`);
        if (meta.ulid === name && !meta.compaction.deletable) out.push(meta);
      } catch (e) {
        this.opts.logger.debug("skipping block dir without a valid meta.json", { dir: name, err: e as Error });
      }
    }
    return out.sort((a, b) => a.minTime - b.minTime || (a.ulid < b.ulid ? -1 : 1));
  }

  private async upload(id: string): Promise<void> {
    const ext = this.opts.externalLabels();
    if (ext.length === 0) throw new Error("no external labels known; refusing to upload a block without them");
    const staging = `${this.opts.dir}/${STAGING_DIR}/${id}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(`${staging}/${CHUNKS_DIR}`, { recursive: true });
    try {
      const src = `${this.opts.dir}/${id}`;
      for (const c of await readdir(`${src}/${CHUNKS_DIR}`)) await link(`${src}/${CHUNKS_DIR}/${c}`, `${staging}/${CHUNKS_DIR}/${c}`);
      await link(`${src}/${INDEX_FILE}`, `${staging}/${INDEX_FILE}`);
      // meta.json is copied, not linked: uploadBlock only reads it, but Prometheus rewrites it
      // in place when it marks a block deletable, and we want the state we decided on.
      await writeFile(`${staging}/${META_FILE}`, await readFile(`${src}/${META_FILE}`));
      await uploadBlock(this.opts.bucket, staging, { labels: toRecord(ext), source: "sidecar", resolution: 0, requireExternalLabels: true });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
}
