// Remote write 1.0: prometheus.WriteRequest (thanos-facts §2). Field numbers:
// WriteRequest{timeseries=1, metadata=3}, TimeSeries{labels=1, samples=2, exemplars=3,
// histograms=4}, Label{name=1, value=2}, Sample{value=1 double, timestamp=2 int64}.
import type { Label } from "../../labels/index.ts";
import { ProtoReader } from "./protowire.ts";
import { readTimeSeries } from "./timeseries.ts";
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
  const ts = readTimeSeries(r, sink, labels);
  const err = ts.badTimestamp ? "sample timestamp outside ±2^52 ms" : validateLabels(labels);
  if (err) {
    sink.n = ts.start; // drop this series' samples
    out.invalidSeries++;
    out.firstInvalid ??= `${err}: series ${describeSeries(labels)}`;
    return;
  }
  out.series.push({ labels: labels.slice(), start: ts.start, end: sink.n, hash: ts.hash });
  out.samples += sink.n - ts.start;
  out.histograms += ts.histograms;
  out.exemplars += ts.exemplars;
}
