// `aeon all-in-one` (what `npm start` runs) as a process: with --demo there is data at once;
// remote write lands and is queryable; the health endpoints and the bucket view answer.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../helpers/net.ts";
import { startAeon, type Proc } from "../helpers/processes.ts";
import { snappy, v1Request, V1_HEADERS } from "../receive/fixtures/pb.ts";

let proc: Proc;
let http: string;
let rw: string;

before(async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-aio-"));
  const [h, g, r] = await Promise.all([freePort(), freePort(), freePort()]);
  http = `http://127.0.0.1:${h}`;
  rw = `http://127.0.0.1:${r}/api/v1/receive`;
  proc = await startAeon(
    ["all-in-one", `--data-dir=${dir}`, "--demo", `--http-address=127.0.0.1:${h}`, `--grpc-address=127.0.0.1:${g}`, `--remote-write.address=127.0.0.1:${r}`],
    `${http}/-/ready`,
  );
});

after(async () => {
  await proc?.stop();
});

async function query(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = await fetch(`${http}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = await r.json();
  assert.equal(body.status, "success", JSON.stringify(body));
  return body.data.result;
}

test("--demo gives data to query at once, with an hour of history", async () => {
  const up = await waitFor("demo data", async () => {
    const r = await query("up");
    return r.length === 6 ? r : undefined;
  });
  assert.ok(up.every((s) => s.value[1] === "1"));
  // The backfilled hour: 240 scrapes at 15 s (give or take the one in flight).
  const n = await waitFor("backfill", async () => {
    const r = await query("min(count_over_time(up[1h]))");
    return r.length && Number(r[0].value[1]) >= 235 ? Number(r[0].value[1]) : undefined;
  });
  assert.ok(n <= 241);
  // 6 instances × ~40 req/s for code 200.
  const rate = await query('sum(rate(demo_http_requests_total{code="200"}[5m]))');
  assert.equal(rate.length, 1);
  const v = Number(rate[0].value[1]);
  assert.ok(v > 150 && v < 330, `rate ${v}`);
  const p90 = await query("histogram_quantile(0.9, sum by (le) (rate(demo_request_duration_seconds_bucket[5m])))");
  assert.ok(Number(p90[0].value[1]) > 0);
});

test("remote write lands and is queryable", async () => {
  const now = Date.now();
  const body = snappy(v1Request([{ labels: [["__name__", "pushed_metric"], ["source", "test"]], samples: [[now - 1000, 41], [now, 42]] }]));
  const r = await fetch(rw, { method: "POST", headers: V1_HEADERS, body: body as BodyInit });
  assert.equal(r.status, 200, await r.text());
  const res = await query("pushed_metric");
  assert.equal(res.length, 1);
  assert.equal(res[0].value[1], "42");
  assert.equal(res[0].metric.source, "test");
});

test("health, readiness, metrics and the bucket view answer", async () => {
  for (const p of ["/-/healthy", "/-/ready", "/metrics", "/bucket", "/api/v1/status/buildinfo", "/api/v1/labels"]) {
    const r = await fetch(http + p);
    assert.equal(r.status, 200, p);
    await r.arrayBuffer();
  }
});
