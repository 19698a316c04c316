// gRPC message compression "snappy" as Thanos registers it: the snappy FRAMED stream format (not
// the block format). Offered by our clients and accepted by our servers, next to gzip.
import { Code, ConnectError } from "@connectrpc/connect";
import type { Compression } from "@connectrpc/connect/protocol";
import { compressionGzip } from "@connectrpc/connect-node";
import { SnappyError, snappyFramedDecode, snappyFramedEncode } from "../../codec/snappy/index.ts";

export const compressionSnappy: Compression = {
  name: "snappy",
  compress(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    return Promise.resolve(snappyFramedEncode(bytes) as Uint8Array<ArrayBuffer>);
  },
  decompress(bytes: Uint8Array, readMaxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
    if (bytes.length === 0) return Promise.resolve(new Uint8Array(0));
    try {
      return Promise.resolve(snappyFramedDecode(bytes, readMaxBytes) as Uint8Array<ArrayBuffer>);
    } catch (e) {
      const msg = (e as Error).message;
      if (e instanceof SnappyError && msg.includes("exceeds limit")) {
        return Promise.reject(new ConnectError(`message larger than configured max ${readMaxBytes}`, Code.ResourceExhausted));
      }
      return Promise.reject(new ConnectError(`snappy: ${msg}`, Code.InvalidArgument));
    }
  },
};

export type CompressionName = "snappy" | "gzip" | "none";

export const acceptedCompressions: Compression[] = [compressionSnappy, compressionGzip];

export function compressionByName(name: CompressionName | string | undefined): Compression | undefined {
  if (!name || name === "none" || name === "identity") return undefined;
  if (name === "snappy") return compressionSnappy;
  if (name === "gzip") return compressionGzip;
  throw new Error(`unknown gRPC compression ${JSON.stringify(name)} (want snappy, gzip or none)`);
}

// Thanos raises gRPC's 4 MiB default to MaxInt32 on both sides.
export const MAX_MESSAGE_BYTES = 0x7fffffff;

// HTTP/2 flow-control window for StoreAPI connections (per stream and per connection), so
// Series streams are not throttled to 64 KiB per round trip on long links (grpc-go grows its
// windows up to 16 MiB with BDP estimation; we set a fixed large one).
export const HTTP2_WINDOW_BYTES = 16 * 1024 * 1024;
