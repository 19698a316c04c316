import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Receiver, type ReceiverOptions } from "../../src/receive/index.ts";
import { newMatcher } from "../../src/labels/index.ts";
import { concat, lenField, strField, snappy, v1Request, v2Request, V1_HEADERS, V2_HEADERS, type TestSeries } from "./fixtures/pb.ts";

const T0 = 1_700_000_000_000;

async function withReceiver(opts: Partial<ReceiverOptions>, fn: (rx: Receiver, dir: string) => Promise<void>, start = true): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "aeon-rx-"));
  const rx = new Receiver({ tsdbPath: dir, writeBlock: false, ...opts });
  try {
    if (start) await rx.start();
    await fn(rx, dir);
  } finally {
    await rx.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function post(rx: Receiver, body: Uint8Array, headers: Record<string, string> = V1_HEADERS, raw = false): Promise<Response> {
  return Promise.resolve(rx.fetch(new Request("http://x/api/v1/receive", { method: "POST", headers, body: (raw ? body : snappy(body)) as BodyInit })));
}

async function samples(rx: Receiver, tenant = "default-tenant", name?: string) {
  const db = await rx.tenant(tenant);
  const ms = name ? [newMatcher("=", "__name__", name)] : [];
  return db.head.selectSamples(ms, -Infinity, Infinity).map((s) => ({
    labels: Object.fromEntries(s.labels.map((l) => [l.name, l.value])),
    samples: [...s.ts].map((t, i) => [t, s.vs[i]]),
  }));
}

const up = (t: number, v: number, extra: Array<[string, string]> = []): TestSeries => ({
  labels: [["__name__", "up"], ...extra, ["job", "j"]],
  samples: [[t, v]],
});

test("handler: v1 write is stored and answered 200; identical resend is fine", async () => {
  await withReceiver({}, async (rx) => {
    const body = v1Request([up(T0, 1), up(T0 + 1000, 2, [["instance", "i"]])]);
    let r = await post(rx, body);
    assert.equal(r.status, 200, await r.text());
    r = await post(rx, body);
    assert.equal(r.status, 200, "an identical sample is a silent duplicate");
    assert.deepEqual(await samples(rx), [
      { labels: { __name__: "up", instance: "i", job: "j" }, samples: [[T0 + 1000, 2]] },
      { labels: { __name__: "up", job: "j" }, samples: [[T0, 1]] },
    ]);
  });
});

test("handler: v2 write stores samples and reports written counts; exemplars dropped", async () => {
  await withReceiver({}, async (rx) => {
    const r = await post(rx, v2Request([{ ...up(T0, 1), exemplars: 2 }, { labels: [["__name__", "b"]], samples: [[T0, 1], [T0 + 1, 2]] }]), V2_HEADERS);
    assert.equal(r.status, 200, await r.text());
    assert.equal(r.headers.get("X-Prometheus-Remote-Write-Samples-Written"), "3");
    assert.equal(r.headers.get("X-Prometheus-Remote-Write-Histograms-Written"), "0");
    assert.equal(r.headers.get("X-Prometheus-Remote-Write-Exemplars-Written"), "0");
    assert.equal((await samples(rx, undefined, "b"))[0].samples.length, 2);
    // A v1 answer carries no such headers.
    const r1 = await post(rx, v1Request([up(T0 + 5, 1)]));
    assert.equal(r1.headers.get("X-Prometheus-Remote-Write-Samples-Written"), null);
  });
});

test("handler: malformed bodies get 400 and store nothing; earlier data stays", async () => {
  await withReceiver({}, async (rx) => {
    assert.equal((await post(rx, v1Request([up(T0, 1)]))).status, 200);
    const cases: Array<[string, Uint8Array, boolean]> = [
      ["bad snappy", new Uint8Array([0x20, 0xff, 0x01, 0x02, 0x03]), true],
      ["bad protobuf", new Uint8Array([0x0a, 0x40, 0x01]), false],
      ["invalid UTF-8", lenField(1, lenField(1, concat(strField(1, "__name__"), lenField(2, new Uint8Array([0xff, 0xfe]))))), false],
      ["unsorted labels", v1Request([{ labels: [["job", "j"], ["__name__", "x"]], samples: [[T0, 1]] }]), false],
      ["duplicate labels", v1Request([{ labels: [["__name__", "x"], ["__name__", "y"]], samples: [[T0, 1]] }]), false],
      ["empty label name", v1Request([{ labels: [["", "x"]], samples: [[T0, 1]] }]), false],
      ["no labels", v1Request([{ labels: [], samples: [[T0, 1]] }]), false],
      ["timestamp out of range", v1Request([{ labels: [["__name__", "x"]], samples: [[2 ** 62, 1]] }]), false],
    ];
    for (const [name, body, raw] of cases) {
      const r = await post(rx, body, V1_HEADERS, raw);
      assert.equal(r.status, 400, name);
      assert.ok((await r.text()).length > 0, `${name}: message`);
    }
    const v2bad = concat(strField(4, "nonempty"), lenField(5, new Uint8Array()));
    assert.equal((await post(rx, v2bad, V2_HEADERS)).status, 400, "v2 symbols[0] must be empty");
    assert.deepEqual(await samples(rx), [{ labels: { __name__: "up", job: "j" }, samples: [[T0, 1]] }]);
  });
});

test("handler: a request mixing valid and invalid series stores the valid ones and answers 400", async () => {
  await withReceiver({}, async (rx) => {
    const r = await post(rx, v1Request([{ labels: [["b", "1"], ["a", "2"]], samples: [[T0, 1]] }, up(T0, 3)]));
    assert.equal(r.status, 400);
    assert.match(await r.text(), /out of order labels/);
    assert.equal((await samples(rx)).length, 1);
  });
});

test("handler: conflicts with stored data get 409", async () => {
  await withReceiver({}, async (rx) => {
    assert.equal((await post(rx, v1Request([up(T0, 1)]))).status, 200);
    let r = await post(rx, v1Request([up(T0 - 1000, 1)]));
    assert.equal(r.status, 409);
    assert.match(await r.text(), /out of order/);
    r = await post(rx, v1Request([up(T0, 2)]));
    assert.equal(r.status, 409);
    assert.match(await r.text(), /duplicate/);
    assert.equal((await post(rx, v1Request([up(T0 + 4 * 3600_000, 1)]))).status, 200);
    r = await post(rx, v1Request([{ labels: [["__name__", "new"]], samples: [[T0, 1]] }]));
    assert.equal(r.status, 409);
    assert.match(await r.text(), /too old/);
    // Within one request: the good sample is kept, the out-of-order one refused.
    r = await post(rx, v1Request([{ labels: [["__name__", "mix"]], samples: [[T0 + 4 * 3600_000, 1], [T0 + 4 * 3600_000 - 1, 2]] }]));
    assert.equal(r.status, 409);
    assert.equal((await samples(rx, undefined, "mix"))[0].samples.length, 1);
  });
});

test("handler: limits (413, 429), unsupported media (415), not ready (503)", async () => {
  await withReceiver({ limits: { maxBodyBytes: 200, maxSeriesPerRequest: 2, maxSamplesPerRequest: 3, maxActiveSeriesPerTenant: 3 } }, async (rx) => {
    const many = Array.from({ length: 20 }, (_, i) => up(T0, i, [["i", String(i)]]));
    assert.equal((await post(rx, v1Request(many))).status, 413, "body size");
    assert.equal((await post(rx, v1Request(many.slice(0, 3)))).status, 413, "series per request");
    assert.equal((await post(rx, v1Request([{ labels: [["__name__", "x"]], samples: [[1, 1], [2, 2], [3, 3], [4, 4]] }]))).status, 413, "samples");
    assert.equal((await post(rx, v1Request(many.slice(0, 2)))).status, 200);
    assert.equal((await post(rx, v1Request(many.slice(2, 4)))).status, 429, "active series");
    assert.equal((await post(rx, v1Request(many.slice(2, 3)))).status, 200, "still room for one");
    assert.equal((await post(rx, v1Request([up(T0, 1)]), { ...V1_HEADERS, "Content-Type": "text/plain" })).status, 415);
    assert.equal((await post(rx, v1Request([up(T0, 1)]), { ...V1_HEADERS, "Content-Encoding": "gzip" })).status, 415);
  });
  await withReceiver({}, async (rx) => {
    assert.equal((await post(rx, v1Request([up(T0, 1)]))).status, 503);
    assert.equal((await rx.fetch(new Request("http://x/-/ready"))).status, 503);
    await rx.start();
    assert.equal((await rx.fetch(new Request("http://x/-/ready"))).status, 200);
    assert.equal((await post(rx, v1Request([up(T0, 1)]))).status, 200);
  }, false);
});

test("handler: native histograms are refused with 400, floats of the request kept", async () => {
  await withReceiver({}, async (rx) => {
    const r = await post(rx, v1Request([{ ...up(T0, 1), histograms: 1 }]));
    assert.equal(r.status, 400);
    assert.match(await r.text(), /native histogram/);
    assert.equal((await samples(rx)).length, 1);
  });
});

test("handler: tenants get their own TSDB directory; bad tenant names are refused", async () => {
  await withReceiver({ externalLabels: { replica: "r1" } }, async (rx, dir) => {
    assert.equal((await post(rx, v1Request([up(T0, 1)]), { ...V1_HEADERS, "THANOS-TENANT": "team-a" })).status, 200);
    assert.equal((await post(rx, v1Request([up(T0, 2)]))).status, 200);
    assert.equal((await post(rx, v1Request([up(T0, 3)]), { ...V1_HEADERS, "THANOS-TENANT": "../evil" })).status, 400);
    assert.deepEqual((await readdir(dir)).sort(), ["default-tenant", "team-a"]);
    assert.deepEqual((await samples(rx, "team-a"))[0].samples, [[T0, 1]]);
    assert.deepEqual((await samples(rx))[0].samples, [[T0, 2]]);
    assert.deepEqual(rx.externalLabels("team-a"), { replica: "r1", tenant_id: "team-a" });
  });
});

test("receiver: acknowledged samples come back after a restart (WAL replay)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-rx-"));
  try {
    let rx = new Receiver({ tsdbPath: dir, writeBlock: false });
    await rx.start();
    for (let i = 0; i < 50; i++) assert.equal((await post(rx, v1Request([up(T0 + i * 1000, i), up(T0 + i * 1000, -i, [["instance", "y"]])]))).status, 200);
    await rx.close();
    rx = new Receiver({ tsdbPath: dir, writeBlock: false });
    await rx.start();
    const got = await samples(rx);
    assert.equal(got.length, 2);
    assert.deepEqual(got[1].samples, Array.from({ length: 50 }, (_, i) => [T0 + i * 1000, i]));
    assert.deepEqual(got[0].samples, Array.from({ length: 50 }, (_, i) => [T0 + i * 1000, -i]));
    assert.equal((await rx.tenant("default-tenant")).replay.samples, 100);
    // New writes after replay continue the series.
    assert.equal((await post(rx, v1Request([up(T0 + 50_000, 50)]))).status, 200);
    assert.equal((await post(rx, v1Request([up(T0 + 10_000, 5)]))).status, 409);
    await rx.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
