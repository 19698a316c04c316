// Shared by the `aeon receive` process tests: start a receiver on free ports, write remote-write
// 1.0 requests, read series back over the StoreAPI.
import { create } from "@bufbuild/protobuf";
import { SeriesRequestSchema } from "../../src/gen/thanos/store/rpc_pb.ts";
import { Matcher } from "../../src/labels/index.ts";
import { createStoreClient } from "../../src/store/grpc/index.ts";
import { matchersToProto } from "../../src/store/index.ts";
import { xorDecode } from "../../src/kernels/xor-ref.ts";
import { freePort } from "../helpers/net.ts";
import { startAeon, type Proc } from "../helpers/processes.ts";
import { snappy, v1Request, V1_HEADERS, type TestSeries } from "../receive/fixtures/pb.ts";

export interface ReceiveProc extends Proc {
  rw: number;
  grpc: number;
  http: number;
  grpcAddress: string;
  rwUrl: string;
}

export async function receivePorts(): Promise<{ rw: number; grpc: number; http: number }> {
  return { rw: await freePort(), grpc: await freePort(), http: await freePort() };
}

export async function startReceive(dataDir: string, ports: { rw: number; grpc: number; http: number }, extra: string[] = []): Promise<ReceiveProc> {
  const p = await startAeon(
    [
      "receive",
      `--remote-write.address=127.0.0.1:${ports.rw}`,
      `--grpc-address=127.0.0.1:${ports.grpc}`,
      `--http-address=127.0.0.1:${ports.http}`,
      `--tsdb.path=${dataDir}`,
      ...extra,
    ],
    `http://127.0.0.1:${ports.http}/-/ready`,
    60_000,
  );
  return { ...p, ...ports, grpcAddress: `127.0.0.1:${ports.grpc}`, rwUrl: `http://127.0.0.1:${ports.rw}/api/v1/receive` };
}

export async function postWrite(url: string, series: TestSeries[], headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const r = await fetch(url, { method: "POST", headers: { ...V1_HEADERS, ...headers }, body: snappy(v1Request(series)) as BodyInit });
  return { status: r.status, text: await r.text() };
}

export async function postRaw(url: string, body: Uint8Array, headers: Record<string, string> = V1_HEADERS): Promise<{ status: number; text: string }> {
  const r = await fetch(url, { method: "POST", headers, body: body as BodyInit });
  return { status: r.status, text: await r.text() };
}

export interface ReadSeries {
  labels: Record<string, string>;
  samples: Array<[number, number]>;
}

// All series matching `matchers` (PromQL-style [type, name, value]) over gRPC Series.
export async function grpcSeries(address: string, matchers: Array<[string, string, string]>, mint = 0, maxt = Number.MAX_SAFE_INTEGER): Promise<ReadSeries[]> {
  const c = createStoreClient({ address });
  try {
    const out: ReadSeries[] = [];
    const req = create(SeriesRequestSchema, {
      minTime: BigInt(mint),
      maxTime: BigInt(maxt),
      matchers: matchersToProto(matchers.map(([t, n, v]) => new Matcher(t as "=", n, v))),
    });
    for await (const r of c.series(req)) {
      if (r.result.case !== "series") continue;
      const s = r.result.value;
      const samples: Array<[number, number]> = [];
      for (const ch of s.chunks) {
        const d = xorDecode(ch.raw!.data);
        for (let i = 0; i < d.ts.length; i++) samples.push([d.ts[i], d.vs[i]]);
      }
      out.push({ labels: Object.fromEntries(s.labels.map((l) => [l.name, l.value])), samples });
    }
    return out;
  } finally {
    await c.close();
  }
}

export type { TestSeries };
