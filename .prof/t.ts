import { create, toBinary, fromBinary } from "@bufbuild/protobuf";
import { SeriesResponseSchema } from "../src/gen/thanos/store/rpc_pb.ts";
import { SeriesSchema } from "../src/gen/thanos/store/types_pb.ts";
import { encodeSeriesResponse } from "../src/store/grpc/series-encode.ts";
import { decodeSeriesResponse } from "../src/store/grpc/series-decode.ts";
const r = create(SeriesResponseSchema, { result: { case: "series", value: create(SeriesSchema, { chunks: [{ counter: { hash: 10893298808268555079n } }] as any }) } });
const a = encodeSeriesResponse(r), b = toBinary(SeriesResponseSchema, r);
console.log(Buffer.from(a).toString("hex"), Buffer.from(b).toString("hex"));
console.log((decodeSeriesResponse(b).result.value as any).chunks[0].counter.hash, (fromBinary(SeriesResponseSchema, b).result.value as any).chunks[0].counter.hash);
