import { create } from "@bufbuild/protobuf";
import { AggrChunkSchema, ChunkSchema, LabelSchema, SeriesSchema } from "/work/main/src/gen/thanos/store/types_pb.ts";
import { SeriesResponseSchema } from "/work/main/src/gen/thanos/store/rpc_pb.ts";
for (const s of [AggrChunkSchema, ChunkSchema, LabelSchema, SeriesSchema, SeriesResponseSchema]) { const m = create(s as any); console.log(s.typeName, Object.getPrototypeOf(m) === Object.prototype, JSON.stringify(m, (k, v) => typeof v === "bigint" ? v + "n" : v), Object.keys(m)); }
