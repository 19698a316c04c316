// From an HTTP request to a DecodedWrite: protocol version from the headers, snappy block
// decompression under a size cap, protobuf decoding. Every failure carries the HTTP status a
// Prometheus sender expects: 400 malformed (never retried), 413 too large, 415 unsupported.
import { SnappyError, snappyBlockDecode, snappyBlockDecodedLength } from "../../codec/snappy/index.ts";
import { ProtoError } from "./protowire.ts";
import type { DecodedWrite } from "./decoded.ts";
import { decodeWriteRequestV1 } from "./v1.ts";
import { decodeWriteRequestV2 } from "./v2.ts";

export type RemoteWriteVersion = "1.0" | "2.0";

export const V2_PROTO = "io.prometheus.write.v2.Request";
export const V1_PROTO = "prometheus.WriteRequest";

export class RemoteWriteError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

// Content-Type decides: `application/x-protobuf` (optionally `;proto=prometheus.WriteRequest`)
// is 1.0, `;proto=io.prometheus.write.v2.Request` is 2.0. Thanos additionally requires the
// X-Prometheus-Remote-Write-Version header to be "2.0.0" for 2.0; we decode by content type
// alone so a 2.0 body is never misread as 1.0 (see docs/receive.md).
export function detectVersion(contentType: string | null, contentEncoding: string | null): RemoteWriteVersion {
  if (contentEncoding && contentEncoding.trim().toLowerCase() !== "snappy") {
    throw new RemoteWriteError(415, `unsupported Content-Encoding ${JSON.stringify(contentEncoding)}, want snappy`);
  }
  if (!contentType) return "1.0";
  const parts = contentType.split(";").map((p) => p.trim());
  const media = parts[0].toLowerCase();
  if (media !== "application/x-protobuf") {
    throw new RemoteWriteError(415, `unsupported Content-Type ${JSON.stringify(contentType)}, want application/x-protobuf`);
  }
  for (const p of parts.slice(1)) {
    const eq = p.indexOf("=");
    if (eq < 0 || p.slice(0, eq).trim().toLowerCase() !== "proto") continue;
    const proto = p.slice(eq + 1).trim().replace(/^"|"$/g, "");
    if (proto === V2_PROTO) return "2.0";
    if (proto === V1_PROTO) return "1.0";
    throw new RemoteWriteError(415, `unsupported remote write protobuf message ${JSON.stringify(proto)}`);
  }
  return "1.0";
}

export interface DecodeLimits {
  maxDecodedBytes: number;
}

export function decodeRemoteWrite(body: Uint8Array, version: RemoteWriteVersion, limits: DecodeLimits): DecodedWrite {
  let raw: Uint8Array;
  try {
    const declared = snappyBlockDecodedLength(body);
    if (declared > limits.maxDecodedBytes) {
      throw new RemoteWriteError(413, `decompressed body of ${declared} bytes exceeds the limit of ${limits.maxDecodedBytes}`);
    }
    raw = snappyBlockDecode(body, limits.maxDecodedBytes);
  } catch (e) {
    if (e instanceof RemoteWriteError) throw e;
    if (e instanceof SnappyError || e instanceof Error) throw new RemoteWriteError(400, `snappy decode error: ${e.message}`);
    throw e;
  }
  try {
    return version === "2.0" ? decodeWriteRequestV2(raw) : decodeWriteRequestV1(raw);
  } catch (e) {
    if (e instanceof ProtoError) throw new RemoteWriteError(400, `protobuf decode error (remote write ${version}): ${e.message}`);
    throw e;
  }
}
