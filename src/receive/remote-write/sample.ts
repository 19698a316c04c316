// A Sample message, the same in remote write 1.0 and 2.0: value = 1 (double), timestamp = 2
// (int64); other fields (2.0's start_timestamp = 3) are skipped. Appends it to the sink and
// returns whether its timestamp is one the TSDB can store. The value is carried as its bits so a
// stale marker (a NaN with a payload) survives on every runtime.
import type { ProtoReader } from "./protowire.ts";
import { validTimestamp, type SampleSink } from "./decoded.ts";

export function readSample(r: ProtoReader, sink: SampleSink): boolean {
  const outer = r.enter();
  let hi = 0;
  let lo = 0;
  let t = 0;
  while (r.pos < r.end) {
    const st = r.tag();
    if (st === ((1 << 3) | 1)) {
      r.fixed64Words();
      hi = r.wordHi;
      lo = r.wordLo;
    } else if (st === ((2 << 3) | 0)) t = r.int64();
    else r.skip(st & 7);
  }
  r.leave(outer);
  sink.pushBits(t, hi, lo);
  return validTimestamp(t);
}
