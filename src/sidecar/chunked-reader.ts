// Reader for Prometheus's streamed remote-read body (STREAMED_XOR_CHUNKS): a sequence of frames,
// each `uvarint(len) | CRC32-Castagnoli(message) as 4 bytes big-endian | message`, where every
// message is a prometheus.ChunkedReadResponse. Frames are parsed as the body arrives, so a
// large answer never sits in memory as one buffer; only the frame being assembled is kept.
import { fromBinary } from "@bufbuild/protobuf";
import { ChunkedReadResponseSchema, type ChunkedReadResponse } from "../gen/prometheus/remote_pb.ts";
import { crc32c } from "../tsdb/encoding/index.ts";

// Prometheus's own client refuses frames above 50 MB (remote.DefaultChunkedReadLimit); the
// server caps frames near 1 MiB, so anything this large is a corrupt length prefix.
export const DEFAULT_CHUNKED_READ_LIMIT = 50_000_000;

export class ChunkedReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChunkedReadError";
  }
}

// Appends arriving pieces and hands out exact byte ranges without copying more than needed.
class ByteQueue {
  private buf = new Uint8Array(0);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  push(piece: Uint8Array): void {
    if (this.end + piece.length > this.buf.length) {
      const live = this.end - this.start;
      const need = live + piece.length;
      // Compact in place when that is enough; otherwise grow (doubling keeps appends amortised).
      if (need <= this.buf.length) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const next = new Uint8Array(Math.max(need, this.buf.length * 2, 64 * 1024));
        next.set(this.buf.subarray(this.start, this.end), 0);
        this.buf = next;
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(piece, this.end);
    this.end += piece.length;
  }

  at(i: number): number {
    return this.buf[this.start + i];
  }

  // A copy: the returned bytes outlive later pushes (chunk data is passed on as-is).
  take(n: number): Uint8Array {
    const out = this.buf.slice(this.start, this.start + n);
    this.start += n;
    return out;
  }

  skip(n: number): void {
    this.start += n;
  }
}

// Length prefix: returns [value, bytes used], or undefined if the queue does not hold it yet.
function peekUvarint(q: ByteQueue): [number, number] | undefined {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (i >= q.length) return undefined;
    const b = q.at(i);
    value += (b & 0x7f) * mul;
    if (b < 0x80) return [value, i + 1];
    mul *= 128;
  }
  throw new ChunkedReadError("frame length: uvarint overflows 64 bits");
}

// Yields each decoded frame message. Throws ChunkedReadError on a CRC mismatch, an oversized
// frame or a body that ends inside a frame.
export async function* readChunkedFrames(
  body: AsyncIterable<Uint8Array>,
  limit = DEFAULT_CHUNKED_READ_LIMIT,
): AsyncGenerator<ChunkedReadResponse> {
  const q = new ByteQueue();
  let frames = 0;
  for await (const piece of body) {
    q.push(piece);
    for (;;) {
      const prefix = peekUvarint(q);
      if (!prefix) break;
      const [size, used] = prefix;
      if (size > limit) throw new ChunkedReadError(`frame ${frames}: message of ${size} bytes exceeds the limit of ${limit}`);
      if (q.length < used + 4 + size) break;
      q.skip(used);
      const head = q.take(4);
      const want = ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0;
      const msg = q.take(size);
      const got = crc32c(msg);
      if (got !== want) throw new ChunkedReadError(`frame ${frames}: CRC32-C mismatch (header ${want.toString(16)}, computed ${got.toString(16)})`);
      frames++;
      yield fromBinary(ChunkedReadResponseSchema, msg);
    }
  }
  if (q.length > 0) throw new ChunkedReadError(`body ended inside frame ${frames} (${q.length} trailing bytes)`);
}

// Encodes one frame, as Prometheus writes it. Used by tests and fakes.
export function encodeChunkedFrame(message: Uint8Array): Uint8Array {
  const prefix: number[] = [];
  let n = message.length;
  while (n >= 0x80) {
    prefix.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  prefix.push(n);
  const out = new Uint8Array(prefix.length + 4 + message.length);
  out.set(prefix, 0);
  const crc = crc32c(message);
  const p = prefix.length;
  out[p] = crc >>> 24;
  out[p + 1] = (crc >>> 16) & 0xff;
  out[p + 2] = (crc >>> 8) & 0xff;
  out[p + 3] = crc & 0xff;
  out.set(message, p + 4);
  return out;
}
