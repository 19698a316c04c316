// Prometheus stale markers (float64 bits 0x7ff0000000000002) written by remote write to a
// receiver running under Bun must come back with those exact bits from its StoreAPI — before
// and after a restart (WAL replay) — and a querier running under Bun must treat them as
// staleness, not as NaN samples. Bun (JavaScriptCore) canonicalises a NaN whenever it becomes a
// JS number, so this fails as soon as any hop moves the value through a number.
import assert from "node:assert/strict";
import { test } from "node:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../helpers/net.ts";
import type { Proc } from "../helpers/processes.ts";
import { concat, int64Field, lenField, snappy, strField, varint, V1_HEADERS, V2_HEADERS } from "../receive/fixtures/pb.ts";
import { run, runtimes } from "./run.ts";
import { PLAIN_NAN, rawDouble, samples, seriesBits, STALE, startBun, T0, v1Request, type Bits, type RawSample } from "./stale-fixtures.ts";

function v2Request(series: Array<{ labels: Array<[string, string]>; samples: RawSample[] }>): Uint8Array {
  const symbols = [""];
  const sym = (s: string) => (symbols.includes(s) ? symbols.indexOf(s) : symbols.push(s) - 1);
  const ts = series.map((s) => {
    const refs = s.labels.flatMap(([n, v]) => [varint(sym(n)), varint(sym(v))]);
    return lenField(5, concat(lenField(1, concat(...refs)), ...s.samples.map(([t, bits]) => lenField(2, concat(rawDouble(1, bits), int64Field(2, t))))));
  });
  return concat(...symbols.map((s) => strField(4, s)), ...ts);
}

async function post(url: string, body: Uint8Array, headers: Record<string, string>): Promise<void> {
  const r = await fetch(url, { method: "POST", headers, body: snappy(body) as BodyInit });
  assert.equal(r.status, 200, await r.text());
}

async function startReceiver(dir: string): Promise<{ proc: Proc; grpc: string; rw: string }> {
  const [rw, grpc, http] = [await freePort(), await freePort(), await freePort()];
  const proc = await startBun(
    ["receive", `--remote-write.address=127.0.0.1:${rw}`, `--grpc-address=127.0.0.1:${grpc}`, `--http-address=127.0.0.1:${http}`, `--tsdb.path=${dir}`],
    `http://127.0.0.1:${http}/-/ready`,
  );
  return { proc, grpc: `127.0.0.1:${grpc}`, rw: `http://127.0.0.1:${rw}/api/v1/receive` };
}

interface PromResult {
  metric: Record<string, string>;
  value: [number, string];
}
async function instant(base: string, q: string, t: number): Promise<PromResult[]> {
  const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}&time=${t / 1000}`);
  const body = (await r.json()) as { status: string; data: { result: PromResult[] }; error?: string };
  assert.equal(body.status, "success", body.error);
  return body.data.result;
}

const WANT = new Map<string, RawSample[]>([
  ["bsm_stale_v1", samples(STALE)],
  ["bsm_stale_v2", samples(STALE)],
  ["bsm_nan_v1", samples(PLAIN_NAN)],
  ["bsm_nan_v2", samples(PLAIN_NAN)],
]);

test("stale markers keep their bits through a Bun receiver and a Bun querier", { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-bun-stale-"));
  const procs: Proc[] = [];
  try {
    let rx = await startReceiver(dir);
    procs.push(rx.proc);
    const v1 = [...WANT].filter(([n]) => n.endsWith("_v1")).map(([n, s]) => ({ labels: [["__name__", n]] as Array<[string, string]>, samples: s }));
    const v2 = [...WANT].filter(([n]) => n.endsWith("_v2")).map(([n, s]) => ({ labels: [["__name__", n]] as Array<[string, string]>, samples: s }));
    await post(rx.rw, v1Request(v1), V1_HEADERS);
    await post(rx.rw, v2Request(v2), V2_HEADERS);

    // Head chunks: remote-write decode → head appender → XOR chunk.
    assert.deepEqual(await seriesBits(rx.grpc, "bsm_.*"), WANT);

    // Restart: the head is rebuilt from the WAL (sample records written and replayed by Bun).
    await rx.proc.stop();
    rx = await startReceiver(dir);
    procs.push(rx.proc);
    assert.deepEqual(await seriesBits(rx.grpc, "bsm_.*"), WANT, "after WAL replay");

    // A querier under Bun: the stale marker ends the series, a plain NaN is a sample.
    const qh = await freePort();
    const q = await startBun(
      ["query", `--endpoint=${rx.grpc}`, `--http-address=127.0.0.1:${qh}`, `--grpc-address=127.0.0.1:${await freePort()}`],
      `http://127.0.0.1:${qh}/-/ready`,
    );
    procs.push(q);
    const base = `http://127.0.0.1:${qh}`;
    const at = T0 + 45_000;
    // The querier learns its endpoints asynchronously: wait until the control series shows up.
    await waitFor("querier sees the receiver", async () => (await instant(base, "bsm_nan_v1", at)).length === 1, 30_000);

    const names = (r: PromResult[]) => r.map((s) => s.metric.__name__).sort();
    const vec = await instant(base, '{__name__=~"bsm_.*"}', at);
    assert.deepEqual(names(vec), ["bsm_nan_v1", "bsm_nan_v2"], "stale series are gone from instant vectors");
    for (const s of vec) assert.equal(s.value[1], "NaN");
    // Before the marker the stale series are there.
    assert.deepEqual(names(await instant(base, '{__name__=~"bsm_.*"}', T0 + 20_000)), [...WANT.keys()].sort());
    // Range windows drop stale markers (last_over_time is the last real value) but keep NaNs.
    const last = await instant(base, 'last_over_time({__name__=~"bsm_.*"}[1m])', at);
    assert.deepEqual(
      Object.fromEntries(last.map((s) => [s.metric.__name__ ?? "", s.value[1]])),
      // last_over_time keeps the metric name (Prometheus 3.x).
      { bsm_stale_v1: "42", bsm_stale_v2: "42", bsm_nan_v1: "NaN", bsm_nan_v2: "NaN" },
    );
    for (const name of WANT.keys()) {
      const counts = await instant(base, `count_over_time(${name}[1m])`, at);
      assert.deepEqual(counts.map((s) => s.value[1]), [name.includes("stale") ? "2" : "3"], name);
    }
  } finally {
    for (const p of procs.reverse()) await p.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

// Piece by piece, in-process, under every runtime (Deno's optimising JIT was seen dropping
// payloads of NaNs that pass through numbers too, so it is checked as well as Bun).
test("every value-carrying piece keeps the stale marker's bits under node, bun and deno", () => {
  const STALE_HEX = "7ff0000000000002";
  const want = {
    remoteWriteV1: STALE_HEX,
    remoteWriteV2: STALE_HEX,
    forwardWire: STALE_HEX,
    forwardDecode: STALE_HEX,
    headChunkRef: STALE_HEX,
    headChunkWasm: STALE_HEX,
    headSelectV1: STALE_HEX,
    headSelectV2: STALE_HEX,
    appendSameStale: 1, // APPEND_DUPLICATE_IGNORED
    appendNaNOverStale: 3, // APPEND_DUPLICATE_TS
    walReplayV1: STALE_HEX,
    walReplayV2: STALE_HEX,
    blockSamples: STALE_HEX,
    walCheckpoint: STALE_HEX,
    xorEncodeWasm: STALE_HEX,
    compactSamples: STALE_HEX,
    isStaleAtHot: 200_000,
  };
  for (const [name, cmdline] of Object.entries(runtimes)) {
    const [cmd, args] = cmdline("tests/runtime/stale-bits-probe.ts", []);
    const r = run(cmd, args);
    assert.equal(r.status, 0, `${name} failed: ${r.stderr}`);
    assert.deepEqual(JSON.parse(r.stdout.trim()), want, name);
  }
});
