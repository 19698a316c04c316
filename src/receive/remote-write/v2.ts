// Remote write 2.0: io.prometheus.write.v2.Request (thanos-facts §2). Field numbers:
// Request{symbols=4 (repeated string, symbols[0] == ""), timeseries=5},
// TimeSeries{labels_refs=1 (repeated uint32 pairs into symbols), samples=2, histograms=3,
// exemplars=4, metadata=5}, Sample{value=1 double, timestamp=2 int64, start_timestamp=3}.
import type { Label } from "../../labels/index.ts";
import { ProtoError, ProtoReader, lastStringHash } from "./protowire.ts";
import { readSample } from "./sample.ts";
import { SERIES_SEED, mixHash } from "../../tsdb/head/hash.ts";
import { SampleSink, describeSeries, emptyDecoded, validateLabels, type DecodedWrite } from "./decoded.ts";

export function decodeWriteRequestV2(body: Uint8Array): DecodedWrite {
  const out = emptyDecoded();
  const sink = new SampleSink();
  const r = new ProtoReader(body);
  const symbols: string[] = [];
  const hashes: number[] = [];
  const seriesRanges: number[] = []; // start, end pairs: decoded once every symbol is known
  while (r.pos < r.end) {
    const tag = r.tag();
    if (tag === ((4 << 3) | 2)) {
      symbols.push(r.string());
      hashes.push(lastStringHash);
    }
    else if (tag === ((5 << 3) | 2)) {
      const start = r.bytesRange();
      seriesRanges.push(start, r.pos);
    } else r.skip(tag & 7);
  }
  if (symbols.length > 0 && symbols[0] !== "") throw new ProtoError("symbols[0] must be the empty string");
  const refs: number[] = [];
  for (let i = 0; i < seriesRanges.length; i += 2) {
    r.pos = seriesRanges[i];
    r.end = seriesRanges[i + 1];
    decodeSeries(r, symbols, hashes, out, sink, refs);
  }
  out.ts = sink.ts;
  out.vs = sink.vs;
  return out;
}

function decodeSeries(r: ProtoReader, symbols: string[], hashes: number[], out: DecodedWrite, sink: SampleSink, refs: number[]): void {
  refs.length = 0;
  const start = sink.n;
  let badTs = false;
  let histograms = 0;
  let exemplars = 0;
  while (r.pos < r.end) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: {
        // packed (the proto3 default)
        const outer = r.enter();
        while (r.pos < r.end) refs.push(r.uint32());
        r.leave(outer);
        break;
      }
      case (1 << 3) | 0: // unpacked, also legal on the wire
        refs.push(r.uint32());
        break;
      case (2 << 3) | 2:
        if (!readSample(r, sink)) badTs = true;
        break;
      case (3 << 3) | 2:
        r.bytesRange();
        histograms++;
        break;
      case (4 << 3) | 2:
        r.bytesRange();
        exemplars++;
        break;
      default:
        if ((tag >>> 3) <= 5) {
          if ((tag >>> 3) === 5 && (tag & 7) === 2) {
            r.bytesRange(); // metadata: not stored
            break;
          }
          throw new ProtoError(`TimeSeries field ${tag >>> 3} has wire type ${tag & 7}`);
        }
        r.skip(tag & 7);
    }
  }
  if (refs.length % 2 !== 0) throw new ProtoError(`labels_refs has odd length ${refs.length}`);
  const labels: Label[] = new Array(refs.length / 2);
  let hash = SERIES_SEED;
  for (let i = 0; i < refs.length; i += 2) {
    const n = refs[i];
    const v = refs[i + 1];
    if (n >= symbols.length || v >= symbols.length) {
      throw new ProtoError(`labels_refs entry ${Math.max(n, v)} out of range of ${symbols.length} symbols`);
    }
    labels[i / 2] = { name: symbols[n], value: symbols[v] };
    hash = mixHash(mixHash(hash, hashes[n]), hashes[v]);
  }
  const err = badTs ? "sample timestamp outside ±2^52 ms" : validateLabels(labels);
  if (err) {
    sink.n = start;
    out.invalidSeries++;
    out.firstInvalid ??= `${err}: series ${describeSeries(labels)}`;
    return;
  }
  out.series.push({ labels, start, end: sink.n, hash });
  out.samples += sink.n - start;
  out.histograms += histograms;
  out.exemplars += exemplars;
}
