// The real `aeon receive` process against bad input and over its block lifecycle:
// - malformed bodies (bad snappy, bad protobuf, unsorted/duplicate/empty labels, no labels,
//   impossible timestamps) get 400 with a message, the process stays up, earlier data stays;
// - a head spanning > 3h cuts a 2h block that is uploaded to the bucket once (thanos labels,
//   source "receive", meta.json last), still served after a restart, not uploaded twice, and
//   removed locally by --tsdb.retention only after it was uploaded.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor, httpOk } from "../helpers/net.ts";
import type { Proc } from "../helpers/processes.ts";
import { snappy, v1Request, V1_HEADERS, concat, lenField, strField } from "../receive/fixtures/pb.ts";
import { grpcSeries, postRaw, postWrite, receivePorts, startReceive } from "./receive-fixtures.ts";

const H = 3600_000;

test("aeon receive: malformed bodies get 400 and lose nothing; blocks are shipped once", { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-rx-bad-"));
  const procs: Proc[] = [];
  try {
    const bucketDir = join(dir, "bucket");
    const objstore = join(dir, "objstore.yml");
    await writeFile(objstore, `type: FILESYSTEM\nconfig:\n  directory: ${bucketDir}\n`);
    const ports = await receivePorts();
    const args = [`--objstore.config-file=${objstore}`, '--label=replica="r1"'];
    let rx = await startReceive(join(dir, "tsdb"), ports, args);
    procs.push(rx);

    // 3.5h of one sample a minute, from 30m into a 2h-aligned range A: the head spans > 3h, so
    // [A, A+2h) becomes a block, and the rest (2h) stays in the head whatever the time of day.
    const A = Math.floor((Date.now() - 5 * H) / (2 * H)) * 2 * H;
    const start = A + 0.5 * H;
    const end = start + 3.5 * H;
    const good: Array<[number, number]> = [];
    for (let t = Math.ceil(start / 60_000) * 60_000; t < end; t += 60_000) good.push([t, t / 60_000]);
    let w = await postWrite(rx.rwUrl, [{ labels: [["__name__", "good"], ["k", "v"]], samples: good }]);
    assert.equal(w.status, 200, w.text);

    const bad: Array<[string, Uint8Array, Record<string, string> | undefined, RegExp]> = [
      ["bad snappy", new Uint8Array([0x0a, 0x08, 0x61, 0x62, 0x63]), undefined, /snappy/], // 10 bytes declared, 3 given
      ["bad snappy copy", new Uint8Array([0x05, 0x05, 0x09, 0x00]), undefined, /snappy/], // copy before any output
      ["bad protobuf", snappy(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x7f, 0x01])), undefined, /protobuf/],
      ["bad wire type", snappy(new Uint8Array([0x0f, 0x01])), undefined, /protobuf/],
      ["unsorted labels", snappy(v1Request([{ labels: [["b", "1"], ["a", "2"]], samples: [[end, 1]] }])), undefined, /out of order labels/],
      ["duplicate labels", snappy(v1Request([{ labels: [["__name__", "x"], ["a", "1"], ["a", "2"]], samples: [[end, 1]] }])), undefined, /duplicate label names/],
      ["empty label value", snappy(v1Request([{ labels: [["__name__", "x"], ["a", ""]], samples: [[end, 1]] }])), undefined, /empty name or value/],
      ["no labels", snappy(v1Request([{ labels: [], samples: [[end, 1]] }])), undefined, /no labels/],
      ["impossible timestamp", snappy(v1Request([{ labels: [["__name__", "x"]], samples: [[2 ** 60, 1]] }])), undefined, /timestamp/],
      ["invalid UTF-8", snappy(lenField(1, lenField(1, concat(strField(1, "__name__"), lenField(2, new Uint8Array([0xc3, 0x28])))))), undefined, /UTF-8|utf-8|utf8/i],
      ["wrong content type", snappy(v1Request([])), { "Content-Type": "application/json" }, /Content-Type/],
    ];
    for (const [what, body, headers, msg] of bad) {
      const r = await postRaw(rx.rwUrl, body, headers ? { ...V1_HEADERS, ...headers } : V1_HEADERS);
      const wantStatus = what === "wrong content type" ? 415 : 400;
      assert.equal(r.status, wantStatus, `${what}: ${r.status} ${r.text}`);
      assert.match(r.text, msg, what);
      assert.ok(await httpOk(`http://127.0.0.1:${rx.http}/-/healthy`), `process died after ${what}`);
    }
    // A request mixing a valid and an invalid series: 400, the valid one is stored.
    w = await postWrite(rx.rwUrl, [
      { labels: [["__name__", "mixed"], ["ok", "yes"]], samples: [[end - 1000, 7]] },
      { labels: [["z", "1"], ["a", "1"]], samples: [[end - 1000, 8]] },
    ]);
    assert.equal(w.status, 400);
    assert.match(w.text, /1 series refused/);

    const check = async () => {
      const got = await grpcSeries(rx.grpcAddress, [["=", "__name__", "good"]]);
      assert.equal(got.length, 1);
      assert.deepEqual(got[0].labels, { __name__: "good", k: "v", replica: "r1", tenant_id: "default-tenant" });
      assert.deepEqual(got[0].samples, good);
      const mixed = await grpcSeries(rx.grpcAddress, [["=", "__name__", "mixed"]]);
      assert.deepEqual(mixed.map((s) => s.samples), [[[end - 1000, 7]]]);
    };
    await check();

    // The block lands in the bucket, meta.json with the thanos section.
    const blockIds = async () => (await readdir(bucketDir).catch(() => [] as string[])).filter((n) => /^[0-9A-Z]{26}$/.test(n));
    const id = await waitFor("block upload", async () => {
      for (const b of await blockIds()) if ((await readdir(join(bucketDir, b))).includes("meta.json")) return b;
      return undefined;
    }, 30_000);
    const meta = JSON.parse(await readFile(join(bucketDir, id, "meta.json"), "utf8"));
    assert.deepEqual(meta.thanos.labels, { replica: "r1", tenant_id: "default-tenant" });
    assert.equal(meta.thanos.source, "receive");
    assert.equal(meta.maxTime - meta.minTime, 2 * H);
    assert.ok((await readdir(join(bucketDir, id, "chunks"))).length > 0);
    await check(); // now from block + head

    // Restart: WAL replay + local block serve the same data; nothing is uploaded twice.
    await rx.stop();
    procs.pop();
    rx = await startReceive(join(dir, "tsdb"), ports, args);
    procs.push(rx);
    await check();
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(await blockIds(), [id]);

    // Restart with a 1h retention: the (uploaded) local block ends > 1h ago and is removed.
    await rx.stop();
    procs.pop();
    rx = await startReceive(join(dir, "tsdb"), ports, [...args, "--tsdb.retention=1h"]);
    procs.push(rx);
    await waitFor("local block removed by retention", async () => !(await readdir(join(dir, "tsdb", "default-tenant"))).includes(id), 30_000);
    assert.deepEqual(await blockIds(), [id]);
    const left = await grpcSeries(rx.grpcAddress, [["=", "__name__", "good"]]);
    assert.ok(left[0].samples.every(([t]) => t >= meta.maxTime)); // the head part is still served
  } catch (e) {
    for (const p of procs) console.error(p.output().slice(-4000));
    throw e;
  } finally {
    for (const p of procs) await p.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
