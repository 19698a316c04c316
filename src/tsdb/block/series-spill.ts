// Temporary file holding each series' labels and chunk metas between the two passes of the
// block writer: the index needs the complete symbol table before its first series entry, so
// series are spilled here while chunks stream to the segment files, then replayed.
// Record: uvarint(len) | uvarint(#labels) | (uvarintStr name, uvarintStr value)* |
//         uvarint(#chunks) | (varint mint, varint maxt, uvarint ref)*
import type { Label, Labels } from "../../labels/index.ts";
import { FileByteSource } from "../bytesource/index.ts";
import { Decbuf, Encbuf } from "../encoding/index.ts";
import { BufferedFileWriter } from "../fileio/index.ts";
import type { ChunkMeta } from "../index/index.ts";
import { SectionStream } from "../index/section-stream.ts";

export class SeriesSpillWriter {
  private readonly rec = new Encbuf(1024);
  private readonly head = new Encbuf(16);
  count = 0;

  private constructor(private readonly f: BufferedFileWriter) {}

  static async create(path: string): Promise<SeriesSpillWriter> {
    return new SeriesSpillWriter(await BufferedFileWriter.create(path, 1 << 20));
  }

  async add(labels: Labels, chunks: readonly ChunkMeta[]): Promise<void> {
    const r = this.rec;
    r.reset();
    r.putUvarint(labels.length);
    for (const l of labels) {
      r.putUvarintStr(l.name);
      r.putUvarintStr(l.value);
    }
    r.putUvarint(chunks.length);
    for (const c of chunks) {
      r.putVarint(c.minTime);
      r.putVarint(c.maxTime);
      r.putUvarint(c.ref);
    }
    this.head.reset();
    this.head.putUvarint(r.len);
    await this.f.write(this.head.get());
    await this.f.write(r.get());
    this.count++;
  }

  async close(): Promise<void> {
    await this.f.close(false);
  }

  async abort(): Promise<void> {
    await this.f.abort();
  }
}

export async function* readSeriesSpill(path: string): AsyncGenerator<{ labels: Label[]; chunks: ChunkMeta[] }> {
  const src = await FileByteSource.open(path);
  try {
    const s = new SectionStream(src, 0, src.size);
    while (s.remaining > 0) {
      // One await per record; the record itself is parsed synchronously.
      const d = new Decbuf(await s.bytes(await s.uvarint()));
      const nl = d.uvarint();
      const labels: Label[] = [];
      for (let i = 0; i < nl; i++) labels.push({ name: d.uvarintStr(), value: d.uvarintStr() });
      const nc = d.uvarint();
      const chunks: ChunkMeta[] = [];
      for (let i = 0; i < nc; i++) {
        const minTime = d.varint();
        const maxTime = d.varint();
        chunks.push({ minTime, maxTime, ref: d.uvarint() });
      }
      yield { labels, chunks };
    }
  } finally {
    await src.close();
  }
}
