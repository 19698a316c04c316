// thanos.WriteRequest (what receivers forward to each other over thanos.WriteableStore/
// RemoteWrite) decoded straight from its wire bytes into the write path's WriteBatch. Why not
// protobuf-es: its double reader returns a JS number, and Bun canonicalises NaNs, so a forwarded
// stale marker (bits 0x7ff0000000000002) would arrive as a plain NaN. Here a sample's value is
// read as two uint32 words into the batch (remote-write/sample.ts), exactly as the HTTP remote
// write path does. The result and its validation are those of fromBinary + fromWriteRequest
// (convert.ts): both use check-series.ts.
//
// Field numbers (proto/thanos/store/rpc.proto, prompb_copy.proto, types.proto):
// WriteRequest{timeseries=1, tenant=2, replica=3 int64, timeseriesTenantData=4 (not used by
// forwarding, skipped as fromWriteRequest ignores it)}, TimeSeries{labels=1, samples=2,
// exemplars=3, histograms=4}, Label{name=1, value=2}, Sample{value=1 double, timestamp=2 int64}.
// Exemplars and histograms are skipped without being parsed (histograms are counted: they are
// refused by the receiver); protobuf-es would also reject malformed bytes inside them.
import type { Label } from "../../labels/index.ts";
import type { WriteSeries } from "../../tsdb/head/index.ts";
import { ProtoError, ProtoReader } from "../remote-write/protowire.ts";
import { SampleSink } from "../remote-write/decoded.ts";
import { readTimeSeries } from "../remote-write/timeseries.ts";
import { invalidSeriesMessage, seriesProblem } from "./check-series.ts";
import type { ReceivedWrite } from "./convert.ts";

export interface DecodedWriteRequest {
  tenant: string;
  // Only its sign matters to the receiver (> 0: already routed); values beyond 2^53 are clamped.
  replica: number;
  write: ReceivedWrite;
}

const TIMESERIES = (1 << 3) | 2;
const TENANT = (2 << 3) | 2;
const REPLICA = (3 << 3) | 0;

// Throws ProtoError (Utf8Error for invalid UTF-8 strings) on malformed bytes.
export function decodeWriteRequest(buf: Uint8Array): DecodedWriteRequest {
  const r = new ProtoReader(buf);
  const sink = new SampleSink();
  const acc: Acc = { series: [], invalid: 0, firstInvalid: undefined, histograms: 0 };
  let tenant = "";
  let replica = 0;
  while (r.pos < r.end) {
    const tag = r.tag();
    if (tag === TIMESERIES) {
      const outer = r.enter();
      decodeSeries(r, sink, acc);
      r.leave(outer);
    } else if (tag === TENANT) tenant = r.string();
    else if (tag === REPLICA) replica = readReplica(r);
    else if (tag >>> 3 <= 3) throw new ProtoError(`WriteRequest field ${tag >>> 3} has wire type ${tag & 7}`);
    else r.skip(tag & 7);
  }
  const n = sink.n;
  return {
    tenant,
    replica,
    write: {
      // subarray of the same Float64Array: the values' bits are not touched.
      batch: { series: acc.series, ts: sink.ts.subarray(0, n), vs: sink.vs.subarray(0, n) },
      invalidSeries: acc.invalid,
      firstInvalid: acc.firstInvalid,
      histograms: acc.histograms,
    },
  };
}

interface Acc {
  series: WriteSeries[];
  invalid: number;
  firstInvalid: string | undefined;
  histograms: number;
}

function decodeSeries(r: ProtoReader, sink: SampleSink, acc: Acc): void {
  const labels: Label[] = [];
  const ts = readTimeSeries(r, sink, labels);
  acc.histograms += ts.histograms; // counted for every series, valid or not, as fromWriteRequest does
  const why = seriesProblem(labels, ts.badTimestamp);
  if (why) {
    sink.n = ts.start; // drop this series' samples
    acc.invalid++;
    acc.firstInvalid ??= invalidSeriesMessage(why, labels);
    return;
  }
  acc.series.push({ labels, start: ts.start, end: sink.n, hash: ts.hash });
}

// int64 replica. ProtoReader.int64 answers NaN beyond ±2^53; the sign is then bit 63, which a
// varint carries only in its 10th byte (bit 0).
function readReplica(r: ProtoReader): number {
  const start = r.pos;
  const v = r.int64();
  if (v === v) return v;
  const negative = r.pos - start === 10 && (r.buf[start + 9] & 1) === 1;
  return negative ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
}
