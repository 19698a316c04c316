// A local TSDB: the head, its WAL under <dir>/wal, and 2h blocks cut from the head into
// <dir>/<ULID>/. Writes follow Prometheus's order — series records, then sample records, then
// the in-memory head — and everything up to the WAL log() runs synchronously, so the head and
// the WAL never disagree on order. commit() makes the batch durable (group-committed fsync).
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { compareLabels, labelsKey, type Labels } from "../../labels/index.ts";
import { labelsHash } from "./hash.ts";
import { f64Words, F64_HI, F64_LO } from "../../kernels/f64-bits.ts";
import {
  WALWriter,
  createCheckpoint,
  decodeSamples,
  decodeSeries,
  decodeTombstones,
  encodeSamples,
  encodeSeries,
  newSampleBatch,
  pushSampleBits,
  replayWAL,
  repairWAL,
  RECORD_SAMPLES,
  RECORD_SERIES,
  RECORD_TOMBSTONES,
  type RefSeries,
  type WALCompression,
} from "../wal/index.ts";
import { APPEND_DUPLICATE_IGNORED, APPEND_DUPLICATE_TS, APPEND_OK, APPEND_OUT_OF_ORDER, APPEND_TOO_OLD, Head } from "./head.ts";
import type { HeadChunk, MemSeries } from "./series.ts";
import { DEFAULT_CHUNK_RANGE } from "./series.ts";

// Series of a write: labels already validated and sorted; its samples are ts/vs[start, end).
export interface WriteSeries {
  labels: Labels;
  start: number;
  end: number;
  hash?: number; // labelsHash(labels), when the producer has it for free
}
export interface WriteBatch {
  series: WriteSeries[];
  ts: Float64Array;
  vs: Float64Array;
}

export interface AppendSummary {
  appended: number;
  duplicatesIgnored: number;
  outOfOrder: number;
  duplicateTimestamp: number;
  tooOld: number;
  newSeries: number;
  seriesLimited: boolean; // refused as a whole: the active-series limit would be exceeded
  firstConflict?: string; // description of the first rejected sample, for the error message
}

export interface BlockSeries {
  labels: Labels;
  chunks: HeadChunk[];
}
// Persists one block [mint, maxt) from head series (sorted by labels); returns its ULID.
export type BlockWriterFn = (parentDir: string, mint: number, maxt: number, series: BlockSeries[]) => Promise<string>;

export interface TSDBOptions {
  chunkRange?: number;
  walSegmentSize?: number;
  walCompression?: WALCompression;
  maxSeries?: number; // active series limit (0 = none)
  writeBlock?: BlockWriterFn; // without it the head is never cut (see cutBlockIfDue)
  onBlock?: (ulid: string, dir: string) => void; // e.g. the shipper
  log?: (level: "info" | "warn" | "error", msg: string, kv?: Record<string, unknown>) => void;
}

export interface ReplayStats {
  records: number;
  series: number;
  samples: number;
  repaired?: string;
}

export class LocalTSDB {
  readonly dir: string;
  readonly head: Head;
  readonly replay: ReplayStats;
  private readonly wal: WALWriter;
  private readonly opts: TSDBOptions;
  private cutting: Promise<void> | null = null;
  private closed = false;

  private constructor(dir: string, head: Head, wal: WALWriter, replay: ReplayStats, opts: TSDBOptions) {
    this.dir = dir;
    this.head = head;
    this.wal = wal;
    this.replay = replay;
    this.opts = opts;
  }

  static async open(dir: string, opts: TSDBOptions = {}): Promise<LocalTSDB> {
    const head = new Head({ chunkRange: opts.chunkRange ?? DEFAULT_CHUNK_RANGE });
    await removeUnfinishedBlocks(dir);
    head.minValidTime = await blocksMaxTime(dir);
    const walDir = join(dir, "wal");
    const stats: ReplayStats = { records: 0, series: 0, samples: 0 };
    const batch = newSampleBatch(1024);
    const res = await replayWAL(walDir, (rec) => {
      stats.records++;
      switch (rec[0]) {
        case RECORD_SERIES:
          for (const s of decodeSeries(rec)) {
            head.restoreSeries(s.ref, s.labels);
            stats.series++;
          }
          break;
        case RECORD_SAMPLES: {
          decodeSamples(rec, batch);
          for (let i = 0; i < batch.n; i++) {
            const s = head.getByRef(batch.refs[i]);
            // Samples of unknown series or refused by the append rules are dropped, as in
            // Prometheus's replay (they were never acknowledged as stored, or are duplicates).
            if (!s) continue;
            const hi = batch.vbits[2 * i + F64_HI];
            const lo = batch.vbits[2 * i + F64_LO];
            if (head.appendBits(s, batch.ts[i], hi, lo, head.minValidTime) === APPEND_OK) stats.samples++;
          }
          break;
        }
        case RECORD_TOMBSTONES:
          for (const t of decodeTombstones(rec)) head.deleteRange(t.ref, t.mint, t.maxt);
          break;
        default:
          break; // exemplars, metadata, histograms: not kept by Aeon's head
      }
    });
    if (res.corruption) {
      const c = res.corruption;
      const removed = await repairWAL(c);
      stats.repaired = `segment ${c.segment} cut at byte ${c.offset} (${c.reason}); removed later segments [${removed.join(",")}]`;
      opts.log?.("warn", "WAL corruption repaired", { dir: walDir, segment: c.segment, offset: c.offset, reason: c.reason, removed: removed.join(",") });
    }
    const wal = await WALWriter.open(walDir, { segmentSize: opts.walSegmentSize, compression: opts.walCompression });
    return new LocalTSDB(dir, head, wal, stats, opts);
  }

  // Applies a batch to the head and logs it to the WAL (not yet durable: await commit()).
  append(b: WriteBatch): AppendSummary {
    if (this.closed) throw new Error("TSDB is closed");
    const head = this.head;
    const sum: AppendSummary = { appended: 0, duplicatesIgnored: 0, outOfOrder: 0, duplicateTimestamp: 0, tooOld: 0, newSeries: 0, seriesLimited: false };
    const hashes = b.series.map((s) => s.hash ?? labelsHash(s.labels));
    const limit = this.opts.maxSeries ?? 0;
    if (limit > 0) {
      let fresh = 0;
      const seen = new Set<string>();
      for (let i = 0; i < b.series.length; i++) {
        const ls = b.series[i].labels;
        if (head.get(ls, hashes[i])) continue;
        const k = labelsKey(ls);
        if (!seen.has(k)) (seen.add(k), fresh++);
      }
      if (fresh > 0 && head.numSeries + fresh > limit) {
        sum.seriesLimited = true;
        return sum;
      }
    }
    const minValid = head.appendMinValidTime();
    const created: RefSeries[] = [];
    const out = newSampleBatch(Math.max(16, b.ts.length));
    // Values are read as bits (never as JS numbers): stale markers must keep their payload.
    const vbits = f64Words(b.vs);
    for (let i = 0; i < b.series.length; i++) {
      const ws = b.series[i];
      if (ws.end <= ws.start) continue;
      const { series, created: isNew } = head.getOrCreate(ws.labels, hashes[i]);
      if (isNew) {
        created.push({ ref: series.ref, labels: series.labels as RefSeries["labels"] });
        sum.newSeries++;
      }
      for (let j = ws.start; j < ws.end; j++) {
        const t = b.ts[j];
        const hi = vbits[2 * j + F64_HI];
        const lo = vbits[2 * j + F64_LO];
        const code = head.appendBits(series, t, hi, lo, minValid);
        if (code === APPEND_OK) {
          pushSampleBits(out, series.ref, t, hi, lo);
          continue;
        }
        if (code === APPEND_DUPLICATE_IGNORED) sum.duplicatesIgnored++;
        else {
          if (code === APPEND_OUT_OF_ORDER) sum.outOfOrder++;
          else if (code === APPEND_DUPLICATE_TS) sum.duplicateTimestamp++;
          else if (code === APPEND_TOO_OLD) sum.tooOld++;
          sum.firstConflict ??= describeConflict(code, series, t);
        }
      }
    }
    sum.appended = out.n;
    if (created.length) this.wal.log(encodeSeries(created).slice());
    // Bounded sample records: a record must fit in one segment.
    for (let i = 0; i < out.n; i += 100_000) this.wal.log(encodeSamples(out, i, Math.min(out.n, i + 100_000)).slice());
    return sum;
  }

  // Resolves when everything appended before the call is fsynced in the WAL.
  commit(): Promise<void> {
    return this.wal.sync();
  }

  // Cuts the oldest 2h range into a block when the head spans more than 1.5 ranges
  // (Prometheus's compactable condition). Runs at most one cut at a time; safe to call often.
  cutBlockIfDue(): Promise<void> {
    if (this.cutting || this.closed || !this.opts.writeBlock) return this.cutting ?? Promise.resolve();
    const h = this.head;
    if (!(h.maxTime - h.minTime > (h.chunkRange / 2) * 3)) return Promise.resolve();
    this.cutting = this.cutOldest().finally(() => (this.cutting = null));
    return this.cutting;
  }

  private async cutOldest(): Promise<void> {
    const h = this.head;
    while (h.maxTime - h.minTime > (h.chunkRange / 2) * 3) {
      const mint = Math.floor(h.minTime / h.chunkRange) * h.chunkRange;
      const maxt = mint + h.chunkRange;
      const series: BlockSeries[] = [];
      for (const { series: s, chunks } of h.seriesForBlock(mint, maxt)) series.push({ labels: s.labels, chunks });
      series.sort((a, b) => compareLabels(a.labels, b.labels));
      const ulid = await this.opts.writeBlock!(this.dir, mint, maxt, series);
      this.opts.log?.("info", "head block persisted", { ulid, mint, maxt, series: series.length });
      h.truncate(maxt);
      await this.truncateWAL(maxt);
      this.opts.onBlock?.(ulid, join(this.dir, ulid));
    }
  }

  // Moves to a fresh segment, checkpoints all earlier ones (live series, samples >= mint),
  // then deletes them.
  private async truncateWAL(mint: number): Promise<void> {
    const seg = this.wal.nextSegment();
    await this.wal.sync();
    const head = this.head;
    await createCheckpoint(this.wal.dir, seg - 1, { keepSeries: (ref) => head.getByRef(ref) !== undefined, mint }, { compression: this.wal.compression });
    await this.wal.removeSegmentsBefore(seg);
  }

  // Directories of the complete blocks cut from this head (oldest first), for serving them.
  async blocks(): Promise<string[]> {
    const out: Array<{ dir: string; mint: number }> = [];
    for (const n of await readdir(this.dir).catch(() => [] as string[])) {
      if (!ULID_DIR.test(n)) continue;
      try {
        const m = JSON.parse(await readFile(join(this.dir, n, "meta.json"), "utf8")) as { minTime: number };
        out.push({ dir: join(this.dir, n), mint: m.minTime });
      } catch {
        // no meta.json: not complete
      }
    }
    return out.sort((a, b) => a.mint - b.mint).map((b) => b.dir);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.cutting?.catch(() => {});
    this.closed = true;
    await this.wal.close();
  }
}

function describeConflict(code: number, s: MemSeries, t: number): string {
  const what =
    code === APPEND_OUT_OF_ORDER ? "out of order sample" : code === APPEND_DUPLICATE_TS ? "duplicate sample for timestamp" : "out of bounds";
  const lbls = "{" + s.labels.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(", ") + "}";
  return `${what}: series ${lbls} timestamp ${t}`;
}

const ULID_DIR = /^[0-9A-HJKMNP-TV-Z]{26}$/;

// A crash while a block was being written leaves its `<ULID>.tmp-for-creation` dir (the block
// writer renames it into place only when complete); its data is still in the WAL.
async function removeUnfinishedBlocks(dir: string): Promise<void> {
  for (const n of await readdir(dir).catch(() => [] as string[])) {
    if (n.endsWith(".tmp-for-creation")) await rm(join(dir, n), { recursive: true, force: true });
  }
}

// Newest maxTime among the blocks already in `dir`: the head must not accept older samples.
async function blocksMaxTime(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return -Infinity;
  }
  let max = -Infinity;
  for (const n of names) {
    if (!ULID_DIR.test(n)) continue;
    try {
      const m = JSON.parse(await readFile(join(dir, n, "meta.json"), "utf8")) as { maxTime?: number };
      if (typeof m.maxTime === "number" && m.maxTime > max) max = m.maxTime;
    } catch {
      // a block without meta.json is incomplete: ignore it
    }
  }
  return max;
}
