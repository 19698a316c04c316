// Turning the different UploadBody shapes into what a backend needs: whole bytes (small objects,
// memory bucket), or fixed-size pieces (multipart upload, file writes) so memory stays bounded.
import { open } from "node:fs/promises";
import type { UploadBody } from "./bucket.ts";
import { concatBytes } from "../codec/concat.ts";

export { concatBytes };

const utf8 = new TextEncoder();

export async function bodyToBytes(body: UploadBody): Promise<Uint8Array> {
  if (typeof body === "string") return utf8.encode(body);
  if (body instanceof Uint8Array) return body;
  const parts: Uint8Array[] = [];
  for await (const p of bodyPieces(body, 1 << 20)) parts.push(p);
  return concatBytes(parts);
}

/**
 * Yields the body in pieces of exactly `size` bytes (the last one may be shorter). Pieces are
 * never reused by this generator (for byte bodies they are views of the
 * caller's bytes). An empty body yields nothing.
 */
export async function* bodyPieces(body: UploadBody, size: number): AsyncGenerator<Uint8Array> {
  if (typeof body === "string" || body instanceof Uint8Array) {
    const bytes = typeof body === "string" ? utf8.encode(body) : body;
    for (let off = 0; off < bytes.length; off += size) yield bytes.subarray(off, Math.min(off + size, bytes.length));
    return;
  }
  if ("kind" in body && body.kind === "file") {
    const fh = await open(body.path, "r");
    try {
      for (;;) {
        const buf = new Uint8Array(size);
        let filled = 0;
        while (filled < size) {
          const { bytesRead } = await fh.read(buf, filled, size - filled, null);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        if (filled > 0) yield filled === size ? buf : buf.subarray(0, filled);
        if (filled < size) return;
      }
    } finally {
      await fh.close();
    }
  }
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  try {
    let buf = new Uint8Array(size);
    let filled = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let off = 0;
      while (off < value.length) {
        const n = Math.min(size - filled, value.length - off);
        buf.set(value.subarray(off, off + n), filled);
        filled += n;
        off += n;
        if (filled === size) {
          yield buf;
          buf = new Uint8Array(size);
          filled = 0;
        }
      }
    }
    if (filled > 0) yield buf.subarray(0, filled);
  } finally {
    reader.releaseLock();
  }
}

export function bytesToStream(bytes: Uint8Array, chunk = 1 << 20): ReadableStream<Uint8Array> {
  let off = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (off >= bytes.length) {
        controller.close();
        return;
      }
      const end = Math.min(off + chunk, bytes.length);
      controller.enqueue(bytes.slice(off, end));
      off = end;
    },
  });
}

/** The slice [offset, offset+length) clamped to the data; length -1 means "to the end". */
export function rangeOf(data: Uint8Array, offset: number, length: number): Uint8Array {
  checkRange(offset, length);
  const start = Math.min(offset, data.length);
  const end = length < 0 ? data.length : Math.min(data.length, offset + length);
  return data.slice(start, end);
}

export function checkRange(offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`invalid range offset ${offset}`);
  if (!Number.isSafeInteger(length) || length < -1) throw new RangeError(`invalid range length ${length}`);
}
