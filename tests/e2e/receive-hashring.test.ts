// Two `aeon receive` processes in one hashring with replication factor 2: every series written
// to either is stored on both (read back over gRPC Series from each); with one stopped, writes
// still succeed (quorum 1 for RF=2) and `aeon query` over both still answers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../helpers/net.ts";
import { startAeon, type Proc } from "../helpers/processes.ts";
import { grpcSeries, postWrite, receivePorts, startReceive, type ReceiveProc, type TestSeries } from "./receive-fixtures.ts";

const T0 = Date.now() - 10 * 60_000;
const SERIES = 40;

function batch(from: number, n: number): TestSeries[] {
  const out: TestSeries[] = [];
  for (let s = 0; s < SERIES; s++) {
    const samples: Array<[number, number]> = [];
    for (let i = from; i < from + n; i++) samples.push([T0 + i * 15_000, s * 1000 + i]);
    out.push({ labels: [["__name__", "rt_metric"], ["series", String(s).padStart(3, "0")]], samples });
  }
  return out;
}

test("two receivers, RF=2: all series on both; one down keeps writes and queries working", { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-rx-ring-"));
  const procs: Proc[] = [];
  try {
    const p1 = await receivePorts();
    const p2 = await receivePorts();
    const ring = join(dir, "hashrings.json");
    await writeFile(ring, JSON.stringify([{ hashring: "default", endpoints: [`127.0.0.1:${p1.grpc}`, `127.0.0.1:${p2.grpc}`] }]));
    // With RF equal to the ring size both algorithms place every series on both nodes; the
    // second receiver uses ketama to run that code path in a live process too.
    const common = [`--receive.hashrings-file=${ring}`, "--receive.replication-factor=2"];
    const [r1, r2] = await Promise.all([
      startReceive(join(dir, "r1"), p1, [...common, `--receive.local-endpoint=127.0.0.1:${p1.grpc}`, '--label=receive_replica="r1"']),
      startReceive(join(dir, "r2"), p2, [...common, `--receive.local-endpoint=127.0.0.1:${p2.grpc}`, '--label=receive_replica="r2"', "--receive.hashrings-algorithm=ketama"]),
    ]);
    procs.push(r1, r2);

    // Half the samples through each receiver.
    let w = await postWrite(r1.rwUrl, batch(0, 10));
    assert.equal(w.status, 200, w.text);
    w = await postWrite(r2.rwUrl, batch(10, 10));
    assert.equal(w.status, 200, w.text);

    for (const r of [r1, r2]) {
      const got = await grpcSeries(r.grpcAddress, [["=", "__name__", "rt_metric"]]);
      assert.equal(got.length, SERIES, `${r.grpcAddress} holds ${got.length} series`);
      for (const s of got) {
        assert.equal(s.labels.tenant_id, "default-tenant");
        assert.equal(s.labels.receive_replica, r === r1 ? "r1" : "r2");
        const k = Number(s.labels.series);
        assert.deepEqual(s.samples, Array.from({ length: 20 }, (_, i) => [T0 + i * 15_000, k * 1000 + i]));
      }
    }
    // A conflicting sample (same timestamp, other value) is refused by both replicas: 409, which
    // senders never retry; an identical resend is accepted.
    const conflict = batch(19, 1); // the newest sample of each series
    w = await postWrite(r1.rwUrl, conflict);
    assert.equal(w.status, 200, w.text);
    conflict[0].samples[0][1] += 0.5;
    w = await postWrite(r2.rwUrl, conflict);
    assert.equal(w.status, 409, w.text);
    assert.match(w.text, /duplicate sample for timestamp/);

    const metrics = await (await fetch(`http://127.0.0.1:${r1.http}/metrics`)).text();
    assert.match(metrics, /thanos_receive_forward_requests_total\{result="success"\} [1-9]/);
    assert.match(metrics, /thanos_receive_requests_total\{code="200"\} 2/);
    assert.match(metrics, /thanos_receive_config_last_reload_successful 1/);

    // A querier over both receivers, deduplicating the replica label.
    const qHttp = await freePort();
    const q = await startAeon(
      ["query", `--http-address=127.0.0.1:${qHttp}`, `--grpc-address=127.0.0.1:${await freePort()}`, `--endpoint=${r1.grpcAddress}`, `--endpoint=${r2.grpcAddress}`, "--query.replica-label=receive_replica"],
      `http://127.0.0.1:${qHttp}/-/ready`,
      60_000,
    );
    procs.push(q);
    const evalAt = (T0 + 19 * 15_000) / 1000;
    const query = async (expr: string) => {
      const r = await fetch(`http://127.0.0.1:${qHttp}/api/v1/query?query=${encodeURIComponent(expr)}&time=${evalAt}`);
      const j = (await r.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> }; warnings?: string[] };
      assert.equal(j.status, "success", JSON.stringify(j));
      return j;
    };
    let res = await query("count(rt_metric)");
    assert.equal(res.data.result[0].value[1], String(SERIES));
    res = await query('rt_metric{series="007"}');
    assert.equal(res.data.result.length, 1); // deduplicated
    assert.equal(res.data.result[0].value[1], String(7 * 1000 + 19));

    // Stop receiver 2: writes through receiver 1 still succeed (quorum 1 of RF 2) …
    await r2.stop();
    procs.splice(procs.indexOf(r2), 1);
    w = await postWrite(r1.rwUrl, batch(20, 5));
    assert.equal(w.status, 200, w.text);
    const after = await (await fetch(`http://127.0.0.1:${r1.http}/metrics`)).text();
    assert.match(after, /thanos_receive_forward_requests_total\{result="error"\} [1-9]/);
    // … and the querier still completes queries, now seeing the new samples.
    const evalLater = (T0 + 24 * 15_000) / 1000;
    const r = await fetch(`http://127.0.0.1:${qHttp}/api/v1/query?query=${encodeURIComponent('rt_metric{series="007"}')}&time=${evalLater}`);
    const j = (await r.json()) as { status: string; data: { result: Array<{ value: [number, string] }> } };
    assert.equal(j.status, "success", JSON.stringify(j));
    assert.equal(j.data.result[0].value[1], String(7 * 1000 + 24));
    const onR1 = await grpcSeries(r1.grpcAddress, [["=", "series", "007"]]);
    assert.equal(onR1[0].samples.length, 25);
  } catch (e) {
    for (const p of procs) console.error(p.output().slice(-4000));
    throw e;
  } finally {
    for (const p of procs) await p.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
