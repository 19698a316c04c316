// Remote write 1.0: prometheus.WriteRequest (thanos-facts §2). Field numbers:
// WriteRequest{timeseries=1, metadata=3}, TimeSeries{labels=1, samples=2, exemplars=3,
// histograms=4}, Label{name=1, value=2}, Sample{value=1 double, timestamp=2 int64}.
import type { Label } from "../../labels/index.ts";
import { ProtoError, ProtoReader } from "./protowire.ts";
import { decodeLabelInto } from "./label.ts";
import { readSample } from "./sample.ts";
import { SERIES_SEED } from "../../tsdb/head/hash.ts";
import { SampleSink, describeSeries, emptyDecoded, validateLabels, type DecodedWrite } from "./decoded.ts";

export function decodeWriteRequestV1(body: Uint8Array): DecodedWrite {
  const out = emptyDecoded();
  const sink = new SampleSink();
  const r = new ProtoReader(body);
  const labels: Label[] = [];
  while (r.pos < r.end) {
    const tag = r.tag();
    if (tag === ((1 << 3) | 2)) {
      const outer = r.enter();
      decodeSeries(r, out, sink, labels);
      r.leave(outer);
    } else r.skip(tag & 7); // metadata (3) and unknown fields
  }
  out.ts = sink.ts;
  out.vs = sink.vs;
  return out;
}

function decodeSeries(r: ProtoReader, out: DecodedWrite, sink: SampleSink, labels: Label[]): void {
  labels.length = 0;
  const start = sink.n;
  let badTs = false;
  let histograms = 0;
  let exemplars = 0;
  let hash = SERIES_SEED;
  while (r.pos < r.end) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: {
        const outer = r.enter();
        hash = decodeLabelInto(r, labels, hash);
        r.leave(outer);
        break;
      }
      case (2 << 3) | 2:
        if (!readSample(r, sink)) badTs = true;
        break;
      case (3 << 3) | 2:
        r.bytesRange();
        exemplars++;
        break;
      case (4 << 3) | 2:
        r.bytesRange();
        histograms++;
        break;
      default:
        if ((tag >>> 3) <= 4) throw new ProtoError(`TimeSeries field ${tag >>> 3} has wire type ${tag & 7}`);
        r.skip(tag & 7);
    }
  }
  const err = badTs ? "sample timestamp outside ±2^52 ms" : validateLabels(labels);
  if (err) {
    sink.n = start; // drop this series' samples
    out.invalidSeries++;
    out.firstInvalid ??= `${err}: series ${describeSeries(labels)}`;
    return;
  }
  out.series.push({ labels: labels.slice(), start, end: sink.n, hash });
  out.samples += sink.n - start;
  out.histograms += histograms;
  out.exemplars += exemplars;
}
