// Prints samples exactly as Debian's `promtool tsdb dump` (Prometheus 2.42) does, one line per
// sample: `{__name__="m", a="b"} VALUE TIMESTAMP_MS`, labels as Go's labels.String(), values in
// Go's %g (shortest round-trip), so the two outputs compare with `sort | cmp`. Overlapping
// blocks are merged without duplicate samples.
import { compareStrings, fromRecord, type Label, type Labels, type Matcher } from "../../labels/index.ts";
import type { BlockReader } from "../block/reader.ts";
import { iterSeriesSamples, type SeriesSamples } from "../block/samples.ts";
import { formatGoFloat, formatLabelsGo } from "../format/index.ts";
import { mergeSeriesStreams } from "./merge.ts";

export interface DumpOptions {
  matchers?: readonly Matcher[];
  mint?: number;
  maxt?: number;
  // Receives the output in pieces (each a whole number of lines).
  write: (text: string) => void | Promise<void>;
  // Add each block's Thanos external labels (meta.json thanos.labels) to its series; a series'
  // own label wins on a name clash. Blocks are then merged within groups of equal external
  // labels, so output is sorted per group, not globally.
  withExternalLabels?: boolean;
}

export function formatSampleLines(labels: readonly Label[], ts: Float64Array, vs: Float64Array): string {
  const prefix = formatLabelsGo(labels) + " ";
  let s = "";
  for (let i = 0; i < ts.length; i++) s += prefix + formatGoFloat(vs[i]) + " " + ts[i] + "\n";
  return s;
}

export async function dumpBlocks(blocks: readonly BlockReader[], opts: DumpOptions): Promise<{ series: number; samples: number }> {
  // No matchers = every series (promtool 2.42 dumps everything; it has no --match flag).
  const matchers = opts.matchers ?? [];
  const groups = new Map<string, BlockReader[]>();
  for (const b of blocks) {
    const key = opts.withExternalLabels ? JSON.stringify(fromRecord(b.meta.thanos?.labels ?? {})) : "";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(b);
  }
  let series = 0;
  let samples = 0;
  let pending = "";
  for (const [key, group] of groups) {
    const ext: Label[] = key ? JSON.parse(key) : [];
    const streams = group.map((b) => iterSeriesSamples(b, matchers, opts.mint, opts.maxt)[Symbol.asyncIterator]());
    for await (const s of mergeSeriesStreams(streams) as AsyncGenerator<SeriesSamples>) {
      pending += formatSampleLines(ext.length ? withLabels(s.labels, ext) : s.labels, s.ts, s.vs);
      series++;
      samples += s.ts.length;
      if (pending.length > 1 << 16) {
        await opts.write(pending);
        pending = "";
      }
    }
  }
  if (pending) await opts.write(pending);
  return { series, samples };
}

// Series labels plus external labels not already present, sorted by name.
function withLabels(ls: Labels, ext: readonly Label[]): Label[] {
  const out = [...ls];
  for (const e of ext) if (!ls.some((l) => l.name === e.name)) out.push(e);
  return out.sort((a, b) => compareStrings(a.name, b.name));
}
