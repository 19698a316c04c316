// A real Prometheus (Debian's 2.42) scrapes itself every second and remote-writes into `aeon
// receive`; `aeon query` over the receiver must return the same series and raw samples as the
// Prometheus itself for the overlapping time (range selectors evaluated through both
// /api/v1/query endpoints; the receiver adds only its tenant_id external label).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../helpers/net.ts";
import { startAeon, startPrometheus, type Proc } from "../helpers/processes.ts";
import { receivePorts, startReceive } from "./receive-fixtures.ts";

const hasPrometheus = (() => {
  try {
    execFileSync("prometheus", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

interface MatrixSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

async function matrix(base: string, expr: string, time: number): Promise<Map<string, Array<[number, string]>>> {
  const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}&time=${time}`);
  const j = (await r.json()) as { status: string; data: { resultType: string; result: MatrixSeries[] } };
  assert.equal(j.status, "success", `${base}: ${JSON.stringify(j)}`);
  assert.equal(j.data.resultType, "matrix");
  const out = new Map<string, Array<[number, string]>>();
  for (const s of j.data.result) {
    const { tenant_id: _t, ...rest } = s.metric;
    const key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    out.set(key, s.values);
  }
  return out;
}

test("Prometheus remote_write → aeon receive → aeon query equals Prometheus", { skip: !hasPrometheus && "prometheus not installed", timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-rx-prom-"));
  const procs: Proc[] = [];
  try {
    const ports = await receivePorts();
    const rx = await startReceive(join(dir, "rx"), ports);
    procs.push(rx);
    const prom = await startPrometheus(
      `
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: prom
    static_configs: [{ targets: ["127.0.0.1:$PORT"] }]
remote_write:
  - url: ${rx.rwUrl}
    queue_config: { batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s }
`,
      [],
      join(dir, "prom"),
    );
    procs.push(prom);
    const qHttp = await freePort();
    const q = await startAeon(["query", `--http-address=127.0.0.1:${qHttp}`, `--grpc-address=127.0.0.1:${await freePort()}`, `--endpoint=${rx.grpcAddress}`], `http://127.0.0.1:${qHttp}/-/ready`, 60_000);
    procs.push(q);
    const aeon = `http://127.0.0.1:${qHttp}`;

    // Let Prometheus scrape for a while, then fix an evaluation time a little in the past (the
    // sender lags by up to its batch deadline) and wait until the receiver has caught up to it.
    // On a loaded machine Prometheus may scrape late, so wait for enough scrapes, not a fixed time.
    await waitFor(
      "Prometheus to have 8 scrapes of itself",
      async () => {
        const r = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent("count_over_time(up[2m])")}`);
        const j = (await r.json()) as { data: { result: Array<{ value: [number, string] }> } };
        return j.data.result.length > 0 && Number(j.data.result[0].value[1]) >= 8;
      },
      60_000,
      500,
    );
    const evalAt = Date.now() / 1000 - 3;
    for (const expr of ["up[2m]", "prometheus_http_requests_total[2m]", 'prometheus_tsdb_head_series{job="prom"}[2m]']) {
      let last = "";
      await waitFor(
        `aeon query to match Prometheus for ${expr}`,
        async () => {
          const want = await matrix(prom.url, expr, evalAt);
          const got = await matrix(aeon, expr, evalAt);
          assert.ok(want.size > 0, `Prometheus has no data for ${expr}`);
          last = `want ${JSON.stringify([...want])}\n got ${JSON.stringify([...got])}`;
          return JSON.stringify([...want].sort()) === JSON.stringify([...got].sort());
        },
        30_000,
        500,
      ).catch((e) => {
        throw new Error(`${(e as Error).message}\n${last.slice(0, 4000)}`);
      });
      const n = [...(await matrix(prom.url, expr, evalAt)).values()].reduce((a, v) => a + v.length, 0);
      assert.ok(n >= 5, `${expr}: only ${n} samples compared`);
    }
    // The tenant is announced as an external label on every series.
    const r = await fetch(`${aeon}/api/v1/query?query=up&time=${evalAt}`);
    const j = (await r.json()) as { data: { result: Array<{ metric: Record<string, string> }> } };
    assert.equal(j.data.result[0].metric.tenant_id, "default-tenant");
    const metrics = await (await fetch(`http://127.0.0.1:${rx.http}/metrics`)).text();
    assert.match(metrics, /thanos_receive_write_samples_total\{tenant="default-tenant"\} [1-9]/);
  } catch (e) {
    for (const p of procs) console.error(p.output().slice(-3000));
    throw e;
  } finally {
    for (const p of procs.reverse()) await p.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
