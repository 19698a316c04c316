// `aeon compact --wait` as a process: it compacts in the background, serves /metrics with
// Thanos's metric names, /-/ready, and the bucket web view; `aeon tools bucket web` serves the
// same page. Both pages are loaded in headless Chromium and must show every block ID.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FilesystemBucket } from "../../src/objstore/index.ts";
import { freePort, waitFor } from "../helpers/net.ts";
import { startAeon, type Proc } from "../helpers/processes.ts";
import { genSeries, uploadRange, visible } from "../compact/blocks.ts";
import { D, H, objectStoreYaml, tempDir } from "../compact/fixtures.ts";

const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
let dir: string;
let configFile: string;
let bucket: FilesystemBucket;
const procs: Proc[] = [];
let compactBase = "";

before(async () => {
  dir = await tempDir("aeon-compact-web-");
  const bucketDir = join(dir, "bucket");
  await mkdir(bucketDir);
  bucket = new FilesystemBucket({ directory: bucketDir });
  configFile = join(dir, "objstore.yaml");
  await writeFile(configFile, objectStoreYaml(bucketDir));
  const t0 = Math.floor((Date.now() - 10 * D) / (2 * D)) * 2 * D;
  const series = genSeries(5, t0, t0 + 12 * H, 60_000);
  await uploadRange(bucket, join(dir, "scratch"), series, t0, t0 + 12 * H, { cluster: "eu", replica: "a" });
  await uploadRange(bucket, join(dir, "scratch"), series, t0, t0 + 4 * H, { cluster: "us" });
});

after(async () => {
  for (const p of procs) await p.stop();
  await rm(dir, { recursive: true, force: true });
});

function dumpDom(url: string): string {
  const profile = join(dir, `chromium-${Math.random().toString(36).slice(2)}`);
  return execFileSync(
    chromium!,
    ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`, "--dump-dom", url],
    { encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] },
  );
}

test("aeon compact --wait compacts, serves Thanos metrics and the bucket page", async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const p = await startAeon(
    ["compact", `--objstore.config-file=${configFile}`, `--data-dir=${join(dir, "work")}`, `--http-address=127.0.0.1:${port}`, "--wait", "--wait-interval=1h", "--consistency-delay=0s"],
    `${base}/-/ready`,
  );
  procs.push(p);
  compactBase = base;
  const metrics = await waitFor("first iteration", async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    return /^thanos_compact_iterations_total 1$/m.test(text) && text;
  }, 60_000);
  assert.match(metrics, /^thanos_compact_group_compactions_total\{resolution="0"\} 1$/m);
  assert.match(metrics, /^thanos_compact_halted 0$/m);
  assert.match(metrics, /^thanos_compact_blocks_marked_total\{marker="deletion-mark.json",reason=""\} 4$/m);
  assert.match(metrics, /^thanos_compactor_blocks_cleaned_total 0$/m, "delete-delay 48h: nothing deleted yet");
  const json = (await (await fetch(`${base}/api/v1/blocks`)).json()) as { status: string; data: { blocks: { ulid: string; markers: string[] }[] } };
  assert.equal(json.status, "success");
  const ids = json.data.blocks.map((b) => b.ulid);
  const vis = await visible(bucket);
  for (const m of vis) assert.ok(ids.includes(m.ulid));
  assert.equal(json.data.blocks.filter((b) => b.markers.includes("deletion")).length, 4);
  const html = await (await fetch(base + "/")).text();
  assert.match(html, /<title>Aeon compactor/);
});

test("the bucket page renders every block in headless Chromium (compact and tools bucket web)", { skip: !chromium && "chromium not installed (scripts/install-test-peers.d/chromium.sh)" }, async () => {
  const port = await freePort();
  const web = await startAeon(["tools", "bucket", "web", `--objstore.config-file=${configFile}`, `--http-address=127.0.0.1:${port}`], `http://127.0.0.1:${port}/-/ready`);
  procs.push(web);
  const metas = await visible(bucket);
  assert.ok(metas.length >= 3);
  for (const url of [`http://127.0.0.1:${port}/`, ...(compactBase ? [`${compactBase}/`] : [])]) {
    const dom = dumpDom(url);
    assert.match(dom, /data-rendered="\d+"/, "the page script ran");
    for (const m of metas) {
      assert.match(dom, new RegExp(`class="block[^"]*" data-ulid="${m.ulid}"`), `block ${m.ulid} drawn on the time axis`);
    }
    assert.match(dom, /\{cluster="eu"\} @ raw|\{cluster="eu", replica="a"\} @ raw/);
    assert.match(dom, /\{cluster="us"\} @ raw/);
  }
});
