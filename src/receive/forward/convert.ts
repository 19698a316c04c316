// Between the write path's WriteBatch (typed arrays) and thanos.WriteRequest (what receivers
// send each other over thanos.WriteableStore/RemoteWrite).
import { create } from "@bufbuild/protobuf";
import { WriteRequestSchema, type WriteRequest } from "../../gen/thanos/store/rpc_pb.ts";
import { SampleSchema, TimeSeriesSchema } from "../../gen/thanos/store/prompb_copy_pb.ts";
import { LabelSchema } from "../../gen/thanos/store/types_pb.ts";
import type { WriteBatch, WriteSeries } from "../../tsdb/head/index.ts";
import { validateLabels, validTimestamp } from "../remote-write/index.ts";
import { describeSeries } from "../remote-write/decoded.ts";

export function toWriteRequest(tenant: string, replica: number, b: WriteBatch, series: readonly WriteSeries[]): WriteRequest {
  return create(WriteRequestSchema, {
    tenant,
    replica: BigInt(replica),
    timeseries: series.map((s) => {
      const samples = [];
      for (let j = s.start; j < s.end; j++) samples.push(create(SampleSchema, { value: b.vs[j], timestamp: BigInt(b.ts[j]) }));
      return create(TimeSeriesSchema, { labels: s.labels.map((l) => create(LabelSchema, { name: l.name, value: l.value })), samples });
    }),
  });
}

export interface ReceivedWrite {
  batch: WriteBatch;
  invalidSeries: number;
  firstInvalid?: string;
  histograms: number;
}

// Validates as the HTTP path does (labels per Thanos's rules, representable timestamps).
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
    let why = validateLabels(labels);
    if (!why) {
      for (const s of t.samples) {
        if (!validTimestamp(Number(s.timestamp))) {
          why = `timestamp ${s.timestamp} out of range`;
          break;
        }
      }
    }
    if (why) {
      invalid++;
      firstInvalid ??= `${why}: ${describeSeries(labels)}`;
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
