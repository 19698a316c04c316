// response_batch_size > 1: consecutive Series go out as SeriesBatch frames (field 4); warnings
// and hints flush the batch first so the stream order is kept.
import { create } from "@bufbuild/protobuf";
import { SeriesBatchSchema, SeriesResponseSchema, type SeriesResponse } from "../../gen/thanos/store/rpc_pb.ts";
import type { Series } from "../../gen/thanos/store/types_pb.ts";

export async function* batchSeries(source: AsyncIterable<SeriesResponse>, size: bigint): AsyncGenerator<SeriesResponse> {
  const max = Number(size > 1048576n ? 1048576n : size);
  let batch: Series[] = [];
  const flush = (): SeriesResponse => {
    const r = create(SeriesResponseSchema, { result: { case: "batch", value: create(SeriesBatchSchema, { series: batch }) } });
    batch = [];
    return r;
  };
  for await (const r of source) {
    if (r.result.case === "series") {
      batch.push(r.result.value);
      if (batch.length >= max) yield flush();
      continue;
    }
    if (batch.length) yield flush();
    yield r;
  }
  if (batch.length) yield flush();
}
