import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FilesystemBucket, iterAll } from "../../src/objstore/index.ts";
import { bucketConformance } from "./conformance.ts";

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "aeon-fsbucket-"));
  dirs.push(d);
  return d;
}
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

bucketConformance("filesystem", async () => new FilesystemBucket({ directory: await freshDir() }));

describe("filesystem bucket specifics", () => {
  it("stores objects as plain files under the directory", async () => {
    const dir = await freshDir();
    const b = new FilesystemBucket({ directory: dir });
    await b.upload("01X/chunks/000001", "abc");
    assert.deepEqual(await readdir(join(dir, "01X", "chunks")), ["000001"]);
  });

  it("hides temp files of uploads in progress and empty folders", async () => {
    const dir = await freshDir();
    const b = new FilesystemBucket({ directory: dir });
    await b.upload("blk/meta.json", "{}");
    await writeFile(join(dir, "blk", ".index.aeon-tmp-0123456789ab"), "partial");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(dir, "emptydir"));
    assert.deepEqual(await iterAll(b, ""), ["blk/"]);
    assert.deepEqual(await iterAll(b, "blk"), ["blk/meta.json"]);
  });

  it("leaves no temp file behind when the upload source fails", async () => {
    const dir = await freshDir();
    const b = new FilesystemBucket({ directory: dir });
    const failing = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array([1, 2, 3]));
        c.error(new Error("source broke"));
      },
    });
    await assert.rejects(b.upload("x/y", failing), /source broke/);
    assert.deepEqual(await readdir(join(dir, "x")), []);
    assert.equal(await b.exists("x/y"), false);
  });

  it("removes folders a delete leaves empty, not the root", async () => {
    const dir = await freshDir();
    const b = new FilesystemBucket({ directory: dir });
    await b.upload("a/b/c", "1");
    await b.delete("a/b/c");
    assert.deepEqual(await readdir(dir), []);
  });
});
