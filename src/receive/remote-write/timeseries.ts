// One prometheus.TimeSeries message {labels=1, samples=2, exemplars=3, histograms=4}, shared by
// the remote-write 1.0 decoder and the decoder of writes forwarded between receivers (Thanos's
// copy of TimeSeries has the same fields). Labels go to `labels`, samples to the sink (values as
// raw words, see sample.ts); exemplars and histograms are only counted. What to do with the
// series (validation, where it goes) stays with each caller.
import type { Label } from "../../labels/index.ts";
import { SERIES_SEED } from "../../tsdb/head/hash.ts";
import type { SampleSink } from "./decoded.ts";
import { decodeLabelInto } from "./label.ts";
import { ProtoError, type ProtoReader } from "./protowire.ts";
import { readSample } from "./sample.ts";

export interface TimeSeriesRead {
  start: number; // sink index of the series' first sample
  badTimestamp: boolean; // a sample's timestamp cannot be stored
  hash: number; // the head's series hash of the labels
  exemplars: number;
  histograms: number;
}

export function readTimeSeries(r: ProtoReader, sink: SampleSink, labels: Label[]): TimeSeriesRead {
  const out: TimeSeriesRead = { start: sink.n, badTimestamp: false, hash: SERIES_SEED, exemplars: 0, histograms: 0 };
  while (r.pos < r.end) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: {
        const outer = r.enter();
        out.hash = decodeLabelInto(r, labels, out.hash);
        r.leave(outer);
        break;
      }
      case (2 << 3) | 2:
        if (!readSample(r, sink)) out.badTimestamp = true;
        break;
      case (3 << 3) | 2:
        r.bytesRange();
        out.exemplars++;
        break;
      case (4 << 3) | 2:
        r.bytesRange();
        out.histograms++;
        break;
      default:
        if (tag >>> 3 <= 4) throw new ProtoError(`TimeSeries field ${tag >>> 3} has wire type ${tag & 7}`);
        r.skip(tag & 7);
    }
  }
  return out;
}
