// WAL checkpoints, as Prometheus makes them when the head is truncated: the records of the
// previous checkpoint and of segments up to N are filtered (series still in the head, samples
// and tombstones at or after the new head start) and written as checkpoint.N; afterwards the
// segments up to N can be deleted. Written into a .tmp dir and renamed, so a crash leaves
// either the old or the new checkpoint, never half of one.
import { readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { readSegment } from "./reader.ts";
import {
  RECORD_SAMPLES,
  RECORD_SERIES,
  RECORD_TOMBSTONES,
  decodeSamples,
  decodeSeries,
  decodeTombstones,
  encodeSamples,
  encodeSeries,
  encodeTombstones,
  newSampleBatch,
  pushSampleBits,
} from "./records.ts";
import { F64_HI, F64_LO } from "../../kernels/f64-bits.ts";
import { checkpointName, lastCheckpoint, listSegments, segmentName } from "./segments.ts";
import { WALWriter, syncDir, type WALOptions } from "./writer.ts";
import { listCheckpoints } from "./reader.ts";

export interface CheckpointFilter {
  keepSeries(ref: number): boolean;
  mint: number; // samples/tombstones entirely before this are dropped
}

export interface CheckpointStats {
  path: string;
  seriesKept: number;
  samplesKept: number;
  samplesDropped: number;
}

export async function createCheckpoint(
  dir: string,
  upTo: number,
  filter: CheckpointFilter,
  opts: WALOptions = {},
): Promise<CheckpointStats> {
  const prev = await lastCheckpoint(dir);
  const inputs: string[] = [];
  if (prev) for (const s of await listSegments(prev.path)) inputs.push(join(prev.path, segmentName(s)));
  for (const s of await listSegments(dir)) {
    if ((!prev || s > prev.upTo) && s <= upTo) inputs.push(join(dir, segmentName(s)));
  }

  const final = join(dir, checkpointName(upTo));
  const tmp = final + ".tmp";
  await rm(tmp, { recursive: true, force: true });
  const out = await WALWriter.open(tmp, opts);
  const stats: CheckpointStats = { path: final, seriesKept: 0, samplesKept: 0, samplesDropped: 0 };
  const batch = newSampleBatch();
  const kept = newSampleBatch();
  for (const path of inputs) {
    const b = await readFile(path);
    const r = await readSegment(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), (rec) => {
      switch (rec[0]) {
        case RECORD_SERIES: {
          const ss = decodeSeries(rec).filter((s) => filter.keepSeries(s.ref));
          stats.seriesKept += ss.length;
          if (ss.length) out.log(encodeSeries(ss).slice());
          break;
        }
        case RECORD_SAMPLES: {
          decodeSamples(rec, batch);
          kept.n = 0;
          for (let i = 0; i < batch.n; i++) {
            if (!(batch.ts[i] >= filter.mint && filter.keepSeries(batch.refs[i]))) continue;
            pushSampleBits(kept, batch.refs[i], batch.ts[i], batch.vbits[2 * i + F64_HI], batch.vbits[2 * i + F64_LO]); // bits: stale markers kept
          }
          stats.samplesKept += kept.n;
          stats.samplesDropped += batch.n - kept.n;
          if (kept.n) out.log(encodeSamples(kept).slice());
          break;
        }
        case RECORD_TOMBSTONES: {
          const ts = decodeTombstones(rec).filter((t) => t.maxt >= filter.mint && filter.keepSeries(t.ref));
          if (ts.length) out.log(encodeTombstones(ts).slice());
          break;
        }
        default:
          break; // record types Aeon does not keep
      }
    });
    // The segments being checkpointed are closed ones; an error here means the last of them
    // was torn by a crash and already repaired at startup, so the valid prefix is all there is.
    void r;
  }
  await out.close();
  await rename(tmp, final);
  await syncDir(dir);
  for (const name of await listCheckpoints(dir)) {
    if (join(dir, name) !== final) await rm(join(dir, name), { recursive: true, force: true });
  }
  return stats;
}
