// A real Prometheus (Debian's 2.42, remote write 1.0) scrapes itself every second and
// remote-writes into our receiver; the samples must arrive with the right labels and match
// what Prometheus itself stored.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Receiver } from "../../src/receive/index.ts";
import { listenHttp } from "../../src/runtime/index.ts";
import { newMatcher } from "../../src/labels/index.ts";

const PROMETHEUS = "/usr/bin/prometheus";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

test("real Prometheus remote_write lands in the receiver head", { skip: !existsSync(PROMETHEUS) && "prometheus not installed", timeout: 90_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-prom-rw-"));
  const rx = new Receiver({ tsdbPath: join(dir, "receive"), writeBlock: false });
  await rx.start();
  const srv = await listenHttp("127.0.0.1:0", rx.fetch);
  const promPort = await freePort();
  const config = `
global:
  scrape_interval: 1s
  evaluation_interval: 1s
  external_labels:
    replica: p1
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["127.0.0.1:${promPort}"]
# Debian's 2.42 build does not send remote_write \`headers:\` (checked by capturing its
# requests), so the default tenant is used here; THANOS-TENANT is covered in handler.test.ts.
remote_write:
  - url: http://127.0.0.1:${srv.port}/api/v1/receive
    queue_config:
      batch_send_deadline: 500ms
      min_backoff: 100ms
      max_backoff: 1s
`;
  await writeFile(join(dir, "prometheus.yml"), config);
  const prom = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "prom-data")}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let promLog = "";
  prom.stderr!.on("data", (d) => (promLog = (promLog + d).slice(-20_000)));
  try {
    const upM = [newMatcher("=", "__name__", "up")];
    let upSamples = 0;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      if (!rx.tenants.opened.has("default-tenant")) continue;
      const db = await rx.tenant("default-tenant");
      const up = db.head.selectSamples(upM, -Infinity, Infinity);
      const info = db.head.selectSamples([newMatcher("=", "__name__", "prometheus_build_info")], -Infinity, Infinity);
      upSamples = up[0]?.ts.length ?? 0;
      if (upSamples >= 4 && info.length > 0) break;
    }
    assert.ok(upSamples >= 4, `expected up samples in the receiver (tenants: ${[...rx.tenants.opened.keys()]}); prometheus log:\n${promLog}`);
    const db = await rx.tenant("default-tenant");
    const up = db.head.selectSamples(upM, -Infinity, Infinity);
    assert.equal(up.length, 1);
    assert.deepEqual(
      Object.fromEntries(up[0].labels.map((l) => [l.name, l.value])),
      { __name__: "up", instance: `127.0.0.1:${promPort}`, job: "prometheus", replica: "p1" },
    );
    assert.ok([...up[0].vs].every((v) => v === 1));
    const info = db.head.selectSamples([newMatcher("=", "__name__", "prometheus_build_info")], -Infinity, Infinity)[0];
    const infoLabels = Object.fromEntries(info.labels.map((l) => [l.name, l.value]));
    assert.equal(infoLabels.job, "prometheus");
    assert.match(infoLabels.version, /^2\./);
    assert.ok(db.head.numSeries > 100, `only ${db.head.numSeries} series arrived`);

    // Same samples as Prometheus's own TSDB for the time both have.
    const last = up[0].ts[up[0].ts.length - 1];
    const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent("up[1h]")}&time=${last / 1000}`);
    const body = (await res.json()) as { data: { result: Array<{ values: Array<[number, string]> }> } };
    const theirs = body.data.result[0].values.map(([t, v]) => [Math.round(t * 1000), Number(v)]);
    const ours = [...up[0].ts].map((t, i) => [t, up[0].vs[i]]);
    assert.deepEqual(ours, theirs.filter(([t]) => t >= ours[0][0] && t <= last));
  } finally {
    prom.kill("SIGTERM");
    await new Promise((r) => (prom.exitCode !== null ? r(null) : prom.once("exit", r)));
    await srv.close();
    await rx.close();
    await rm(dir, { recursive: true, force: true });
  }
});
