// One behaviour suite for every Bucket backend (memory, filesystem, S3), so they stay
// interchangeable: what passes here on one must pass on all.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { bytesToStream, fromFile, iterAll, type Bucket } from "../../src/objstore/index.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function readStream(s: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of s as unknown as AsyncIterable<Uint8Array>) parts.push(p);
  return Buffer.concat(parts);
}

/** `make` returns a fresh, empty bucket for each test. */
export function bucketConformance(label: string, make: () => Promise<Bucket>): void {
  describe(`${label}: Bucket conformance`, () => {
    it("uploads and reads back bytes, strings, streams and files", async () => {
      const b = await make();
      const data = randomBytes(300_000);
      await b.upload("obj/bytes", data);
      await b.upload("obj/string", "héllo");
      await b.upload("obj/stream", bytesToStream(data, 7_777));
      const dir = await mkdtemp(join(tmpdir(), "aeon-objstore-"));
      try {
        await writeFile(join(dir, "f"), data);
        await b.upload("obj/file", fromFile(join(dir, "f")));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      assert.deepEqual(Buffer.from(await b.get("obj/bytes")), data);
      assert.equal(text(await b.get("obj/string")), "héllo");
      assert.deepEqual(Buffer.from(await b.get("obj/stream")), data);
      assert.deepEqual(Buffer.from(await b.get("obj/file")), data);
      assert.deepEqual(Buffer.from(await readStream(await b.getStream("obj/bytes"))), data);
    });

    it("stores empty objects and replaces existing ones", async () => {
      const b = await make();
      await b.upload("empty", new Uint8Array(0));
      assert.equal((await b.get("empty")).length, 0);
      assert.equal((await b.attributes("empty")).size, 0);
      await b.upload("x", "first");
      await b.upload("x", "second, longer");
      assert.equal(text(await b.get("x")), "second, longer");
    });

    it("reads ranges, clamped at the end", async () => {
      const b = await make();
      const data = randomBytes(10_000);
      await b.upload("r", data);
      assert.deepEqual(Buffer.from(await b.getRange("r", 0, 10)), data.subarray(0, 10));
      assert.deepEqual(Buffer.from(await b.getRange("r", 1234, 4321)), data.subarray(1234, 5555));
      assert.deepEqual(Buffer.from(await b.getRange("r", 9_990, -1)), data.subarray(9_990));
      assert.deepEqual(Buffer.from(await b.getRange("r", 9_995, 100)), data.subarray(9_995));
      assert.equal((await b.getRange("r", 20_000, 10)).length, 0);
      assert.equal((await b.getRange("r", 5, 0)).length, 0);
      await assert.rejects(b.getRange("r", -1, 5), RangeError);
    });

    it("reports existence, attributes and not-found errors", async () => {
      const b = await make();
      const before = Date.now();
      await b.upload("dir/a", "12345");
      assert.equal(await b.exists("dir/a"), true);
      assert.equal(await b.exists("dir/b"), false);
      assert.equal(await b.exists("dir"), false, "a folder is not an object");
      const attrs = await b.attributes("dir/a");
      assert.equal(attrs.size, 5);
      // S3 reports Last-Modified with 1 s precision.
      assert.ok(attrs.lastModified.getTime() >= before - 2000 && attrs.lastModified.getTime() <= Date.now() + 2000, `lastModified ${attrs.lastModified.toISOString()}`);
      for (const op of [() => b.get("dir/b"), () => b.attributes("dir/b"), () => b.getRange("dir/b", 0, 1), () => b.getStream("dir/b")]) {
        await assert.rejects(op(), (e: unknown) => {
          assert.ok(b.isObjNotFoundErr(e), `expected not-found, got ${String(e)}`);
          return true;
        });
      }
      assert.equal(b.isObjNotFoundErr(new Error("other")), false);
    });

    it("deletes objects; deleting a missing object is fine", async () => {
      const b = await make();
      await b.upload("d/one", "1");
      await b.upload("d/two", "2");
      await b.delete("d/one");
      assert.equal(await b.exists("d/one"), false);
      assert.equal(await b.exists("d/two"), true);
      await b.delete("d/one");
      await b.delete("d/two");
      assert.deepEqual(await iterAll(b, ""), []);
    });

    it("iterates like Thanos: full names, dirs with a trailing slash, recursive lists objects", async () => {
      const b = await make();
      const names = ["01A/chunks/000001", "01A/chunks/000002", "01A/index", "01A/meta.json", "01B/meta.json", "a.txt", "z", "deep/x/y/z"];
      for (const n of names) await b.upload(n, n);
      assert.deepEqual(await iterAll(b, ""), ["01A/", "01B/", "a.txt", "deep/", "z"]);
      assert.deepEqual(await iterAll(b, "01A"), ["01A/chunks/", "01A/index", "01A/meta.json"]);
      assert.deepEqual(await iterAll(b, "01A/"), ["01A/chunks/", "01A/index", "01A/meta.json"]);
      assert.deepEqual(await iterAll(b, "01A/chunks"), ["01A/chunks/000001", "01A/chunks/000002"]);
      assert.deepEqual(await iterAll(b, "01A", { recursive: true }), ["01A/chunks/000001", "01A/chunks/000002", "01A/index", "01A/meta.json"]);
      assert.deepEqual(await iterAll(b, "", { recursive: true }), [...names].sort());
      assert.deepEqual(await iterAll(b, "deep"), ["deep/x/"]);
      assert.deepEqual(await iterAll(b, "nothing-here"), []);
      assert.deepEqual(await iterAll(b, "nothing-here", { recursive: true }), []);
    });

    it("orders names by bytes, with folders as name + slash", async () => {
      const b = await make();
      for (const n of ["a/x", "a.b", "a-c", "a0"]) await b.upload(n, "v");
      // '-' (0x2d) < '.' (0x2e) < '/' (0x2f) < '0' (0x30)
      assert.deepEqual(await iterAll(b, ""), ["a-c", "a.b", "a/", "a0"]);
      assert.deepEqual(await iterAll(b, "", { recursive: true }), ["a-c", "a.b", "a/x", "a0"]);
    });

    it("does not list a folder emptied by deletes", async () => {
      const b = await make();
      await b.upload("gone/a/b", "1");
      await b.upload("kept", "1");
      await b.delete("gone/a/b");
      assert.deepEqual(await iterAll(b, ""), ["kept"]);
    });

    it("handles names with characters that need URL encoding", async () => {
      const b = await make();
      const names = ["odd/a b+c=d&e(f)!*'~.json", "odd/ünï©ødé", "odd/100%/x?y#z"];
      for (const n of names) await b.upload(n, n);
      for (const n of names) assert.equal(text(await b.get(n)), n);
      assert.deepEqual(await iterAll(b, "odd", { recursive: true }), [...names].sort());
      assert.deepEqual(await iterAll(b, "odd/100%"), ["odd/100%/x?y#z"]);
    });

    it("refuses invalid object names", async () => {
      const b = await make();
      for (const bad of ["", "/abs", "a/../b", "dir/", "a//b"]) {
        await assert.rejects(b.upload(bad, "x"), /invalid object name/);
      }
    });
  });
}
