// Merges the series of several blocks into one label-ordered stream, as Prometheus's querier
// does for overlapping blocks: series with the same labels are chain-merged (ordered by time,
// a timestamp present in several blocks kept once, from the first block that has it).
import { compareLabels } from "../../labels/index.ts";
import { mergeChain } from "../../kernels/index.ts";
import type { SeriesSamples } from "../block/samples.ts";

export async function* mergeSeriesStreams(streams: AsyncIterator<SeriesSamples>[]): AsyncGenerator<SeriesSamples> {
  const heads: (SeriesSamples | null)[] = await Promise.all(streams.map(next));
  for (;;) {
    let min: SeriesSamples | null = null;
    for (const h of heads) if (h && (!min || compareLabels(h.labels, min.labels) < 0)) min = h;
    if (!min) return;
    const same: SeriesSamples[] = [];
    const advance: Promise<void>[] = [];
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h && compareLabels(h.labels, min.labels) === 0) {
        same.push(h);
        advance.push(next(streams[i]).then((n) => void (heads[i] = n)));
      }
    }
    await Promise.all(advance);
    if (same.length === 1) yield same[0];
    else {
      const m = mergeChain(same.map((s) => ({ ts: s.ts, vs: s.vs })));
      yield { labels: min.labels, ts: m.ts, vs: m.vs };
    }
  }
}

async function next(it: AsyncIterator<SeriesSamples>): Promise<SeriesSamples | null> {
  const r = await it.next();
  return r.done ? null : r.value;
}
