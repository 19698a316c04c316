// The index checks `bucket verify` adds to the reader's own: symbol order and chunk-ref order,
// on index files our writer produces and then damaged so that their CRCs still hold.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FileByteSource } from "../../src/tsdb/bytesource/index.ts";
import { crc32c } from "../../src/tsdb/encoding/index.ts";
import { IndexReader, IndexWriter } from "../../src/tsdb/index/index.ts";
import { checkIndexStructure } from "../../src/tools/bucket/verify/index-structure.ts";

const ls = (o: Record<string, string>) => Object.entries(o).map(([name, value]) => ({ name, value }));

async function writeIndex(path: string, refs: [number, number]) {
  const w = await IndexWriter.create(path);
  await w.addSymbols(["__name__", "a", "b", "m"]);
  await w.addSeries(ls({ __name__: "m", a: "a" }), [{ ref: refs[0], minTime: 0, maxTime: 10 }]);
  await w.addSeries(ls({ __name__: "m", a: "b" }), [{ ref: refs[1], minTime: 0, maxTime: 10 }]);
  await w.close();
}

async function check(path: string) {
  const src = await FileByteSource.open(path);
  try {
    const ix = await IndexReader.open(src);
    return await checkIndexStructure(src, ix.toc);
  } finally {
    await src.close();
  }
}

test("a well-formed index has no structural problems; a chunk ref shared by two series is found", async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-ixs-"));
  try {
    await writeIndex(join(dir, "good"), [8, 40]);
    assert.deepEqual(await check(join(dir, "good")), []);
    await writeIndex(join(dir, "shared"), [8, 8]);
    const p = await check(join(dir, "shared"));
    assert.equal(p.length, 1);
    assert.match(p[0].message, /chunk 0 ref 8 does not increase \(previous ref 8\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("symbols out of order (with a valid CRC) are found", async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-ixs-"));
  try {
    const path = join(dir, "index");
    await writeIndex(path, [8, 40]);
    const b = new Uint8Array(await readFile(path));
    const toc = (await IndexReader.open(await FileByteSource.open(path))).toc;
    const off = toc.symbols;
    const len = new DataView(b.buffer).getUint32(off);
    // Symbols: "" (1 byte), "__name__" (1+8 bytes), then "a", "b": swap the bytes of "a" and "b".
    const ia = off + 8 + 1 + 9 + 1;
    assert.equal(String.fromCharCode(b[ia]), "a");
    [b[ia], b[ia + 2]] = [b[ia + 2], b[ia]];
    new DataView(b.buffer).setUint32(off + 4 + len, crc32c(b, off + 4, off + 4 + len));
    await writeFile(path, b);
    const p = await check(path);
    assert.ok(p.some((x) => /symbol 3 "a" sorts before the previous "b"/.test(x.message)), JSON.stringify(p));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
