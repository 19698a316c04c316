// Acknowledged writes survive kill -9: a receiver process is killed mid-stream, restarted, and
// every sample that got a 2xx must be there exactly once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { LocalTSDB } from "../../src/tsdb/head/index.ts";
import { newMatcher } from "../../src/labels/index.ts";
import { snappy, v1Request, V1_HEADERS } from "./fixtures/pb.ts";

const FIXTURE = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "fixtures", "receiver.ts");
const T0 = 1_700_000_000_000;

async function startReceiver(dir: string): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, ["--import", "tsx", FIXTURE, dir], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.once("line", resolve);
    proc.once("exit", (code) => reject(new Error(`receiver exited with ${code}`)));
  });
  return { proc, port: JSON.parse(line).port };
}

function write(port: number, sender: number, i: number, batch: number): Promise<number> {
  const samples: Array<[number, number]> = [];
  for (let k = 0; k < batch; k++) samples.push([T0 + (i + k) * 1000, i + k]);
  const body = snappy(v1Request([{ labels: [["__name__", "load"], ["sender", String(sender)]], samples }]));
  return fetch(`http://127.0.0.1:${port}/api/v1/receive`, { method: "POST", headers: V1_HEADERS, body: body as BodyInit }).then(
    async (r) => (await r.arrayBuffer(), r.status),
    () => 0, // connection reset by the kill
  );
}

test("kill -9 mid-stream: every acknowledged sample is present exactly once after restart", { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-kill9-"));
  const SENDERS = 4;
  const BATCH = 10;
  const acked: number[][] = Array.from({ length: SENDERS }, () => []);
  try {
    let { proc, port } = await startReceiver(dir);
    let stop = false;
    const loops = Array.from({ length: SENDERS }, async (_, s) => {
      for (let i = 0; !stop; i += BATCH) {
        const status = await write(port, s, i, BATCH);
        if (status === 200) for (let k = 0; k < BATCH; k++) acked[s].push(i + k);
        else if (status !== 0) throw new Error(`unexpected status ${status}`);
        else break;
      }
    });
    // Let the stream run until a good number of writes were acknowledged, then kill -9.
    while (acked.reduce((n, a) => n + a.length, 0) < 2000) await new Promise((r) => setTimeout(r, 20));
    proc.kill("SIGKILL");
    await new Promise((r) => proc.once("exit", r));
    stop = true;
    await Promise.all(loops);
    const total = acked.reduce((n, a) => n + a.length, 0);
    assert.ok(total >= 2000);

    // Restart: the receiver replays its WAL and keeps accepting the stream where it was.
    ({ proc, port } = await startReceiver(dir));
    for (let s = 0; s < SENDERS; s++) {
      const next = acked[s].length ? acked[s][acked[s].length - 1] + 1 : 0;
      // A sample at or after the last acknowledged one: either new (200) or one that was in
      // flight at the kill and already stored (409 duplicate is impossible: same value).
      assert.equal(await write(port, s, next + 1000, 1), 200);
    }
    proc.kill("SIGTERM");
    await new Promise((r) => proc.once("exit", r));

    const db = await LocalTSDB.open(join(dir, "default-tenant"), {});
    try {
      for (let s = 0; s < SENDERS; s++) {
        const got = db.head.selectSamples([newMatcher("=", "sender", String(s))], -Infinity, Infinity);
        assert.equal(got.length, 1);
        const ts = [...got[0].ts];
        const seen = new Map<number, number>();
        for (let i = 0; i < ts.length; i++) {
          assert.ok(i === 0 || ts[i] > ts[i - 1], "timestamps strictly increasing: no sample twice");
          seen.set((ts[i] - T0) / 1000, got[0].vs[i]);
        }
        for (const i of acked[s]) assert.equal(seen.get(i), i, `sender ${s}: acknowledged sample ${i} lost`);
        assert.ok(seen.has(acked[s].length ? acked[s][acked[s].length - 1] + 1001 : 1000), "post-restart write present");
      }
    } finally {
      await db.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
