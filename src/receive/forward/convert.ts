// Between the write path's WriteBatch (typed arrays) and thanos.WriteRequest (what receivers
// send each other over thanos.WriteableStore/RemoteWrite).
import { create } from "@bufbuild/protobuf";
import { WriteRequestSchema, type WriteRequest } from "../../gen/thanos/store/rpc_pb.ts";
import { WireType } from "@bufbuild/protobuf/wire";
import { SampleSchema, TimeSeriesSchema, type Sample } from "../../gen/thanos/store/prompb_copy_pb.ts";
import { f64Words, F64_HI, F64_LO } from "../../kernels/f64-bits.ts";
import { LabelSchema } from "../../gen/thanos/store/types_pb.ts";
import type { WriteBatch, WriteSeries } from "../../tsdb/head/index.ts";
import { validTimestamp } from "../remote-write/index.ts";
import { invalidSeriesMessage, seriesProblem } from "./check-series.ts";

export function toWriteRequest(tenant: string, replica: number, b: WriteBatch, series: readonly WriteSeries[]): WriteRequest {
  const words = f64Words(b.vs);
  return create(WriteRequestSchema, {
    tenant,
    replica: BigInt(replica),
    timeseries: series.map((s) => {
      const samples = [];
      for (let j = s.start; j < s.end; j++) {
        const v = b.vs[j];
        if (v === v) samples.push(create(SampleSchema, { value: v, timestamp: BigInt(b.ts[j]) }));
        else samples.push(nanSample(words[2 * j + F64_HI], words[2 * j + F64_LO], b.ts[j]));
      }
      return create(TimeSeriesSchema, { labels: s.labels.map((l) => create(LabelSchema, { name: l.name, value: l.value })), samples });
    }),
  });
}

// A NaN sample (a stale marker, say) with its exact bits. protobuf-es writes doubles from JS
// numbers, which lose NaN payloads on Bun, so the bits go out as an unknown field 1 of wire type
// fixed64 — the same bytes a double field has — and `value` stays 0, which proto3 omits.
// Receivers decode these requests with decode-write-request.ts, which reads the value's bits as
// words; fromWriteRequest (protobuf-es's double reader) would lose the payload on Bun.
function nanSample(hi: number, lo: number, t: number): Sample {
  const bytes = new Uint8Array(8);
  const dv = new DataView(bytes.buffer);
  dv.setUint32(0, lo, true);
  dv.setUint32(4, hi, true);
  const s = create(SampleSchema, { value: 0, timestamp: BigInt(t) });
  s.$unknown = [{ no: 1, wireType: WireType.Bit64, data: bytes }];
  return s;
}

export interface ReceivedWrite {
  batch: WriteBatch;
  invalidSeries: number;
  firstInvalid?: string;
  histograms: number;
}

// Validates as the HTTP path does (labels per Thanos's rules, representable timestamps).
// Receivers use decodeWriteRequest (the raw-bytes twin of fromBinary + this, keeping NaN bits);
// this stays for callers holding a WriteRequest message (connect's generic handler, tests).
export function fromWriteRequest(req: WriteRequest): ReceivedWrite {
  let n = 0;
  for (const ts of req.timeseries) n += ts.samples.length;
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  const series: WriteSeries[] = [];
  let at = 0;
  let invalid = 0;
  let firstInvalid: string | undefined;
  let histograms = 0;
  for (const t of req.timeseries) {
    histograms += t.histograms.length;
    const labels = t.labels.map((l) => ({ name: l.name, value: l.value }));
    const why = seriesProblem(labels, t.samples.some((s) => !validTimestamp(Number(s.timestamp))));
    if (why) {
      invalid++;
      firstInvalid ??= invalidSeriesMessage(why, labels);
      continue;
    }
    const start = at;
    for (const s of t.samples) {
      ts[at] = Number(s.timestamp);
      vs[at] = s.value;
      at++;
    }
    series.push({ labels, start, end: at });
  }
  return { batch: { series, ts: ts.subarray(0, at), vs: vs.subarray(0, at) }, invalidSeries: invalid, firstInvalid, histograms };
}
