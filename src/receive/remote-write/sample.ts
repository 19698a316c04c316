// A Sample message, the same in remote write 1.0 and 2.0: value = 1 (double), timestamp = 2
// (int64); other fields (2.0's start_timestamp = 3) are skipped. Appends it to the sink and
// returns whether its timestamp is one the TSDB can store.
import type { ProtoReader } from "./protowire.ts";
import { validTimestamp, type SampleSink } from "./decoded.ts";

export function readSample(r: ProtoReader, sink: SampleSink): boolean {
  const outer = r.enter();
  let v = 0;
  let t = 0;
  while (r.pos < r.end) {
    const st = r.tag();
    if (st === ((1 << 3) | 1)) v = r.double();
    else if (st === ((2 << 3) | 0)) t = r.int64();
    else r.skip(st & 7);
  }
  r.leave(outer);
  sink.push(t, v);
  return validTimestamp(t);
}
