// Shared by the Bun stale-marker tests: sample values as raw 64-bit patterns (never a JS number,
// which would canonicalise NaNs on Bun), remote-write bodies built from them, `aeon` under Bun,
// and StoreAPI samples read back as bits.
import { create } from "@bufbuild/protobuf";
import { join } from "node:path";
import { SeriesRequestSchema } from "../../src/gen/thanos/store/rpc_pb.ts";
import { xorDecode } from "../../src/kernels/xor-ref.ts";
import { Matcher } from "../../src/labels/index.ts";
import { createStoreClient } from "../../src/store/grpc/index.ts";
import { matchersToProto } from "../../src/store/index.ts";
import { httpOk, waitFor } from "../helpers/net.ts";
import { startProcess, type Proc } from "../helpers/processes.ts";
import { concat, int64Field, lenField, strField, tag } from "../receive/fixtures/pb.ts";
import { root, runtimes } from "./run.ts";

export type Bits = [hi: number, lo: number];
export type RawSample = [t: number, bits: Bits];
export const STALE: Bits = [0x7ff00000, 0x00000002];
export const PLAIN_NAN: Bits = [0x7ff80000, 0x00000000];
export const PAYLOAD_NAN: Bits = [0x7ff12345, 0x6789abcd]; // any payload must survive, not just the marker
export const FORTY_TWO: Bits = [0x40450000, 0x00000000]; // 42.0

export const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
// A series' samples: 42 at T0 and T0+15s, then `third` at T0+30s.
export function samples(third: Bits): RawSample[] {
  return [
    [T0, FORTY_TWO],
    [T0 + 15_000, FORTY_TWO],
    [T0 + 30_000, third],
  ];
}

// A double field written from its bits, never through a JS number.
export function rawDouble(field: number, [hi, lo]: Bits): Uint8Array {
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, lo, true);
  dv.setUint32(4, hi, true);
  return concat(tag(field, 1), b);
}

// Remote write 1.0 (uncompressed protobuf).
export function v1Request(series: Array<{ labels: Array<[string, string]>; samples: RawSample[] }>): Uint8Array {
  return concat(
    ...series.map((s) =>
      lenField(
        1,
        concat(
          ...s.labels.map(([n, v]) => lenField(1, concat(strField(1, n), strField(2, v)))),
          ...s.samples.map(([t, bits]) => lenField(2, concat(rawDouble(1, bits), int64Field(2, t)))),
        ),
      ),
    ),
  );
}

// `bun run src/cli.ts <args>` until `readyUrl` answers.
export async function startBun(args: string[], readyUrl: string): Promise<Proc> {
  const [cmd, argv] = runtimes.bun(join(root, "src", "cli.ts"), args);
  const p = startProcess(cmd, argv, { cwd: root });
  try {
    await waitFor(`bun ${args[0]}`, async () => {
      if (p.child.exitCode !== null) throw new Error(`exited with ${p.child.exitCode}`);
      return httpOk(readyUrl);
    }, 60_000);
  } catch (e) {
    await p.stop("SIGKILL");
    throw new Error(`${(e as Error).message}\n--- output ---\n${p.output()}`);
  }
  return p;
}

// Samples of every series whose name matches `nameRegex`, from StoreAPI Series, by name; values
// as raw bits (decoded in this process by the reference decoder and read through a Uint32Array
// view: no JS number in between).
export async function seriesBits(address: string, nameRegex: string): Promise<Map<string, RawSample[]>> {
  const c = createStoreClient({ address });
  try {
    const req = create(SeriesRequestSchema, { minTime: 0n, maxTime: BigInt(Number.MAX_SAFE_INTEGER), matchers: matchersToProto([new Matcher("=~", "__name__", nameRegex)]) });
    const out = new Map<string, RawSample[]>();
    for await (const r of c.series(req)) {
      if (r.result.case !== "series") continue;
      const s = r.result.value;
      const got: RawSample[] = [];
      for (const ch of s.chunks) {
        const d = xorDecode(ch.raw!.data);
        const w = new Uint32Array(d.vs.buffer, d.vs.byteOffset, d.vs.length * 2);
        for (let i = 0; i < d.ts.length; i++) got.push([d.ts[i], [w[2 * i + 1], w[2 * i]]]); // little-endian words
      }
      out.set(s.labels.find((l) => l.name === "__name__")!.value, got);
    }
    return out;
  } finally {
    await c.close();
  }
}
