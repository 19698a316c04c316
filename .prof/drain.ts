import { create } from "@bufbuild/protobuf";
import { SeriesRequestSchema } from "/work/main/src/gen/thanos/store/rpc_pb.ts";
import { LabelMatcherSchema, LabelMatcher_Type } from "/work/main/src/gen/thanos/store/types_pb.ts";
import { BucketStore } from "/work/main/src/store/bucket/index.ts";
import { FilesystemBucket } from "/work/main/src/objstore/index.ts";
import { encodeSeriesResponse } from "/work/main/src/store/grpc/series-encode.ts";
import { decodeSeriesResponse } from "/work/main/src/store/grpc/series-decode.ts";
const dir = process.argv[2];
const store = new BucketStore({ bucket: new FilesystemBucket({ directory: dir }) });
await store.sync();
const req = create(SeriesRequestSchema, { minTime: 0n, maxTime: 9007199254740991n, matchers: [create(LabelMatcherSchema, { type: LabelMatcher_Type.EQ, name: "__name__", value: "m_total" })] });
const N = Number(process.env.N ?? 5);
for (let r = 0; r < N; r++) {
  const t = performance.now();
  let n = 0, bytes = 0, tEnc = 0, tDec = 0;
  for await (const resp of store.series(req)) {
    n++;
    const a = performance.now();
    const b = encodeSeriesResponse(resp);
    const m = performance.now();
    decodeSeriesResponse(b);
    tDec += performance.now() - m; tEnc += m - a;
    bytes += b.length;
  }
  console.log(`run ${r}: ${n} frames ${(bytes/1e6).toFixed(1)} MB total ${(performance.now() - t).toFixed(0)} ms (enc ${tEnc.toFixed(0)} dec ${tDec.toFixed(0)})`);
}
await store.stop();
