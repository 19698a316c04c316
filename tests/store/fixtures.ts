// Shared test data: small series with real XOR chunks, served by MemoryStore.
import { create } from "@bufbuild/protobuf";
import { AggrChunkSchema, ChunkSchema, Chunk_Encoding, LabelMatcherSchema, LabelMatcher_Type, type AggrChunk } from "../../src/gen/thanos/store/types_pb.ts";
import { SeriesRequestSchema, type SeriesRequest, type SeriesResponse } from "../../src/gen/thanos/store/rpc_pb.ts";
import { xorEncode } from "../../src/kernels/xor-ref.ts";
import { fromRecord } from "../../src/labels/index.ts";
import { MemoryStore, type MemorySeries, type MemoryStoreOptions } from "../../src/store/memory/index.ts";
import { xxhash64 } from "../../src/codec/xxhash64.ts";

export function xorChunk(start: number, n: number, step = 15000, value = (i: number) => i * 1.5, withHash = false): AggrChunk {
  const ts = Array.from({ length: n }, (_, i) => start + i * step);
  const vs = ts.map((_, i) => value(i));
  const data = xorEncode(ts, vs);
  return create(AggrChunkSchema, {
    minTime: BigInt(ts[0]),
    maxTime: BigInt(ts[n - 1]),
    raw: create(ChunkSchema, { type: Chunk_Encoding.XOR, data, hash: withHash ? xxhash64(data) : 0n }),
  });
}

export function series(labels: Record<string, string>, chunks: AggrChunk[]): MemorySeries {
  return { labels: fromRecord(labels), chunks };
}

export function sampleStore(extra: Partial<MemoryStoreOptions> = {}): MemoryStore {
  return new MemoryStore({
    externalLabels: fromRecord({ cluster: "eu" }),
    series: [
      series({ __name__: "up", job: "api", instance: "a:9090" }, [xorChunk(0, 120), xorChunk(1_800_000, 120)]),
      series({ __name__: "up", job: "api", instance: "b:9090" }, [xorChunk(0, 10)]),
      series({ __name__: "up", job: "db", instance: "c:9090" }, [xorChunk(0, 5)]),
      series({ __name__: "http_requests_total", job: "api", code: "200" }, [xorChunk(0, 60, 30000, (i) => i * 10)]),
    ],
    ...extra,
  });
}

export const eq = (name: string, value: string) => create(LabelMatcherSchema, { type: LabelMatcher_Type.EQ, name, value });
export const re = (name: string, value: string) => create(LabelMatcherSchema, { type: LabelMatcher_Type.RE, name, value });

export function seriesReq(init: Partial<Omit<SeriesRequest, "$typeName">> = {}): SeriesRequest {
  return create(SeriesRequestSchema, { minTime: 0n, maxTime: 10_000_000n, ...init });
}

export async function collect(it: AsyncIterable<SeriesResponse>): Promise<SeriesResponse[]> {
  const out: SeriesResponse[] = [];
  for await (const r of it) out.push(r);
  return out;
}

export function labelsOf(r: SeriesResponse): string {
  if (r.result.case !== "series") return `<${r.result.case}>`;
  return r.result.value.labels.map((l) => `${l.name}=${l.value}`).join(",");
}
