// Open BlockReaders for the local blocks of one LocalTSDB, re-listed on each use so blocks cut
// from the head since the last request are served at once and removed ones are closed.
import { openBlockDir, type BlockReader } from "../../tsdb/block/index.ts";
import type { LocalTSDB } from "../../tsdb/head/index.ts";

export class LocalBlocks {
  private readonly open = new Map<string, Promise<BlockReader>>();

  // Readers of the complete blocks in the TSDB's directory, oldest first.
  async list(db: LocalTSDB): Promise<BlockReader[]> {
    const dirs = await db.blocks();
    const keep = new Set(dirs);
    for (const [dir, p] of this.open) {
      if (keep.has(dir)) continue;
      this.open.delete(dir);
      p.then((b) => b.close()).catch(() => {});
    }
    const out: BlockReader[] = [];
    for (const dir of dirs) {
      let p = this.open.get(dir);
      if (!p) {
        p = openBlockDir(dir);
        p.catch(() => this.open.delete(dir)); // retried on the next request
        this.open.set(dir, p);
      }
      out.push(await p);
    }
    return out;
  }

  async close(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((p) => p.then((b) => b.close()).catch(() => {})));
  }
}
