import { create } from "@bufbuild/protobuf";
import { createStoreClient } from "../../src/store/grpc/index.ts";
import { SeriesRequestSchema, LabelNamesRequestSchema, LabelValuesRequestSchema } from "../../src/gen/thanos/store/rpc_pb.ts";
import { LabelMatcherSchema, LabelMatcher_Type } from "../../src/gen/thanos/store/types_pb.ts";
import { xorDecode } from "../../src/kernels/xor-ref.ts";
const c = createStoreClient({ address: "127.0.0.1:19591" });
const info = await c.info();
console.log(JSON.stringify(info, (k, v) => typeof v === "bigint" ? v.toString() : v));
const now = BigInt(Date.now());
let n = 0, last: any;
for await (const r of c.series(create(SeriesRequestSchema, { minTime: now - 300000n, maxTime: now, matchers: [create(LabelMatcherSchema, { type: LabelMatcher_Type.EQ, name: "__name__", value: "up" }), create(LabelMatcherSchema, { type: LabelMatcher_Type.RE, name: "cluster", value: "te.*" })] }))) {
  if (r.result.case === "series") { n++; last = r.result.value; }
}
console.log("series", n, last.labels.map((l: any) => `${l.name}=${l.value}`).join(","), last.chunks.length, last.chunks.map((ch: any) => xorDecode(ch.raw.data).ts.length));
n = 0;
for await (const r of c.series(create(SeriesRequestSchema, { minTime: now - 300000n, maxTime: now, skipChunks: true, withoutReplicaLabels: ["replica"], matchers: [create(LabelMatcherSchema, { type: LabelMatcher_Type.RE, name: "__name__", value: "prometheus_tsdb_.*" })] }))) { if (r.result.case === "series") { n++; last = r.result.value; } }
console.log("skipchunks series", n, last.labels.map((l: any) => `${l.name}=${l.value}`).join(","));
console.log((await c.labelNames(create(LabelNamesRequestSchema, { start: now - 300000n, end: now }))).names.join(","));
console.log((await c.labelValues(create(LabelValuesRequestSchema, { label: "job", start: now - 300000n, end: now }))).values.join(","));
console.log((await c.labelValues(create(LabelValuesRequestSchema, { label: "cluster", start: now - 300000n, end: now }))).values.join(","));
await c.close();
