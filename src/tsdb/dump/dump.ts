// Prints samples exactly as Debian's `promtool tsdb dump` (Prometheus 2.42) does, one line per
// sample: `{__name__="m", a="b"} VALUE TIMESTAMP_MS`, labels as Go's labels.String(), values in
// Go's %g (shortest round-trip), so the two outputs compare with `sort | cmp`. Overlapping
// blocks are merged without duplicate samples.
import type { Label, Matcher } from "../../labels/index.ts";
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
  const streams = blocks.map((b) => iterSeriesSamples(b, matchers, opts.mint, opts.maxt)[Symbol.asyncIterator]());
  let series = 0;
  let samples = 0;
  let pending = "";
  for await (const s of mergeSeriesStreams(streams) as AsyncGenerator<SeriesSamples>) {
    pending += formatSampleLines(s.labels, s.ts, s.vs);
    series++;
    samples += s.ts.length;
    if (pending.length > 1 << 16) {
      await opts.write(pending);
      pending = "";
    }
  }
  if (pending) await opts.write(pending);
  return { series, samples };
}
