import { toBinary } from "@bufbuild/protobuf";
import { SeriesResponseSchema } from "./src/gen/thanos/store/rpc_pb.ts";
import { MemoryStore } from "./src/store/memory/index.ts";
import { series, seriesReq, xorChunk } from "./tests/store/fixtures.ts";
const chunk = xorChunk(0, 120);
const store = new MemoryStore({ series: Array.from({ length: 2100 }, (_, i) => series({ __name__: "m", instance: `h${i}` }, [chunk])) });
const rs = [];
for await (const r of store.series(seriesReq())) rs.push(r);
for (let k = 0; k < 5; k++) {
  const t = performance.now();
  let bytes = 0;
  for (const r of rs) bytes += toBinary(SeriesResponseSchema, r).length;
  console.log(`toBinary ${((performance.now() - t) * 1000 / rs.length).toFixed(2)}us/msg ${bytes / rs.length}B`);
}
import { fromBinary } from "@bufbuild/protobuf";
const bins = rs.map((r) => toBinary(SeriesResponseSchema, r));
for (let k = 0; k < 5; k++) {
  const t = performance.now();
  for (const b of bins) fromBinary(SeriesResponseSchema, b);
  console.log(`fromBinary ${((performance.now() - t) * 1000 / rs.length).toFixed(2)}us/msg`);
}
